package dev.realtime.client.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's state thread, a single-threaded scheduler: every piece of the engine's mutable state
 * is confined to it, and transports, timers and public calls post work to it.
 */
final class Loop {

    private static final System.Logger LOG = System.getLogger(Loop.class.getName());

    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(ClientResources.daemon("realtime-client-io"));

    /** For helpers that schedule their own retries (the HTTP publisher). */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Runs {@code r} on the loop; an exception it throws is logged, not lost. Nothing happens once closed. */
    void post(Runnable r) {
        try {
            executor.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "realtime client internal error", e);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // the client is closed: nothing to do
        }
    }

    /** Posts {@code r} after a delay. */
    ScheduledFuture<?> later(long delayMillis, Runnable r) {
        return executor.schedule(() -> post(r), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code r} on the loop every {@code periodMillis}, first after one period. */
    ScheduledFuture<?> every(long periodMillis, Runnable r) {
        return executor.scheduleAtFixedRate(r, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code last} on the loop, waits for it (5 s at most), then stops the loop. */
    void runLastAndStop(Runnable last) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    last.run();
                } finally {
                    done.complete(null);
                }
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the realtime client", e);
        }
        executor.shutdownNow();
    }

    static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
