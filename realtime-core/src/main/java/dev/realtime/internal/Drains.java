package dev.realtime.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs transports' queue drains on the library's threads, many drains per executor task.
 *
 * <p>A publish to 500 subscribers wakes 500 connections. One executor task per wake-up cost a
 * thread hand-off (queue offer, unpark, take) per delivery, which the fan-out benchmark's profile
 * showed as a large share of the library's CPU. Here a wake-up is a lock-free enqueue, and at most
 * {@code drainers} tasks at a time work through the queue.
 */
final class Drains {
    private static final System.Logger LOG = System.getLogger(Drains.class.getName());

    private final Executor executor;
    private final int drainers;
    private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
    /** Drainer tasks submitted and not yet finished. */
    private final AtomicInteger active = new AtomicInteger();

    Drains(Executor executor, int drainers) {
        this.executor = executor;
        this.drainers = Math.max(1, drainers);
    }

    /** Runs {@code drain} soon, on a library thread, never on the caller's. */
    void submit(Runnable drain) {
        ready.offer(drain);
        startDrainerIfNeeded();
    }

    private void startDrainerIfNeeded() {
        for (int n = active.get(); n < drainers; n = active.get()) {
            if (active.compareAndSet(n, n + 1)) {
                try {
                    executor.execute(this::drainAll);
                } catch (RejectedExecutionException e) {
                    active.decrementAndGet(); // shutting down: nothing left to deliver to
                }
                return;
            }
        }
    }

    private void drainAll() {
        for (Runnable r = ready.poll(); r != null; r = ready.poll()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a connection's drain failed", e);
            }
        }
        active.decrementAndGet();
        // a submit that saw every drainer busy just before this one stopped must not be stranded
        if (!ready.isEmpty()) {
            startDrainerIfNeeded();
        }
    }
}
