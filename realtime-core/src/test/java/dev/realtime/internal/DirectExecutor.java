package dev.realtime.internal;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** Runs tasks on the caller's thread, so tests see their effect at once; or, while deferring, when told to. */
public final class DirectExecutor extends AbstractExecutorService {
    private volatile boolean shut;
    private final Queue<Runnable> deferred = new ConcurrentLinkedQueue<>();
    private volatile boolean deferring;

    @Override
    public void execute(Runnable command) {
        if (deferring) {
            deferred.add(command);
        } else {
            command.run();
        }
    }

    /** Queues tasks instead of running them, until {@link #runDeferred()}. */
    public void defer() {
        deferring = true;
    }

    /** Runs what was queued (and what that queues), then runs tasks at once again. */
    public void runDeferred() {
        deferring = false;
        for (Runnable r; (r = deferred.poll()) != null; ) {
            r.run();
        }
    }

    @Override
    public void shutdown() {
        shut = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shut = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shut;
    }

    @Override
    public boolean isTerminated() {
        return shut;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
