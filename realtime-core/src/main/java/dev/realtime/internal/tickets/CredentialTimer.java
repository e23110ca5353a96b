package dev.realtime.internal.tickets;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a connection's expiry action when its credential expires, unless a refresh moved the expiry
 * on or the connection closed first (cancel it then, so a closed connection leaves no task behind).
 */
public final class CredentialTimer {
    private final ScheduledExecutorService scheduler;
    private final Runnable onExpiry;
    private ScheduledFuture<?> pending;
    private boolean cancelled;

    public CredentialTimer(ScheduledExecutorService scheduler, Runnable onExpiry) {
        this.scheduler = scheduler;
        this.onExpiry = onExpiry;
    }

    /** (Re)starts the timer: the credential expires in {@code millis}. */
    public synchronized void expireIn(long millis) {
        if (cancelled) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(onExpiry, Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public synchronized void cancel() {
        cancelled = true;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
