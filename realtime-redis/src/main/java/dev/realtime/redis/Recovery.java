package dev.realtime.redis;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one pending run of a recovery task after a pub/sub connection came back: a new request replaces
 * the pending one, and a failed run asks again after {@link #RETRY_MILLIS}, until it is closed.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    static final long RETRY_MILLIS = 200;

    private final ScheduledExecutorService scheduler;
    private final Runnable task;
    private final String what;
    private ScheduledFuture<?> pending;
    private boolean closed;

    Recovery(ScheduledExecutorService scheduler, Runnable task, String what) {
        this.scheduler = scheduler;
        this.task = task;
        this.what = what;
    }

    synchronized void schedule(long delayMillis) {
        if (closed) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            pending = scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused " + what, e);
        }
    }

    /** After a failed run. */
    void retry(Exception cause) {
        LOG.log(System.Logger.Level.DEBUG, what + " failed, retrying", cause);
        schedule(RETRY_MILLIS);
    }

    synchronized void close() {
        closed = true;
        if (pending != null) {
            pending.cancel(false);
        }
    }
}
