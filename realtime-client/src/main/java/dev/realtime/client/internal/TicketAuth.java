package dev.realtime.client.internal;

import dev.realtime.client.RealtimeException;
import dev.realtime.client.TicketSource;
import java.lang.System.Logger.Level;
import java.net.http.HttpHeaders;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's connection credential (docs/wire-protocol-v1.md, version 1.1): the resume token the
 * server handed out and when it expires, a refresh ticket waiting for the next request, and the
 * refresh shortly before expiry. Every request asks {@link #credential()}: a waiting ticket (used
 * once), else the token while it is valid, else a new ticket from the application. Thread-safe;
 * tickets are fetched on a thread of its own.
 */
final class TicketAuth implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TicketAuth.class.getName());
    static final String HEADER = "Realtime-Ticket";
    /** A token this close to its expiry (or a tenth of its lifetime, if shorter) is not presented: it could expire on the way. */
    private static final long SAFETY_MILLIS = 1000;

    private final TicketSource source;
    private final Consumer<Throwable> errors;
    private final Consumer<String> onRefreshTicket;
    private final ScheduledExecutorService thread;
    private String token;
    private long deadlineNanos;
    private long safetyNanos = TimeUnit.MILLISECONDS.toNanos(SAFETY_MILLIS);
    private String waitingTicket;
    private ScheduledFuture<?> refresh;
    private boolean closed;

    /**
     * @param errors          where a failing ticket source is reported
     * @param onRefreshTicket receives the ticket fetched to refresh the credential: send it on the open
     *                        connection, or {@link #offer} it to the next request
     */
    TicketAuth(TicketSource source, Consumer<Throwable> errors, Consumer<String> onRefreshTicket) {
        this.source = source;
        this.errors = errors;
        this.onRefreshTicket = onRefreshTicket;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "realtime-client-tickets");
            t.setDaemon(true);
            return t;
        });
    }

    /** What the next request presents in {@value #HEADER}. */
    CompletableFuture<String> credential() {
        synchronized (this) {
            if (waitingTicket != null) {
                String t = waitingTicket;
                waitingTicket = null;
                return CompletableFuture.completedFuture(t);
            }
            if (token != null && deadlineNanos - System.nanoTime() > safetyNanos) {
                return CompletableFuture.completedFuture(token);
            }
        }
        return fetch();
    }

    private CompletableFuture<String> fetch() {
        CompletableFuture<String> ticket = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    String t = source.ticket();
                    if (t == null || t.isBlank()) {
                        throw new IllegalStateException("the ticket source returned no ticket");
                    }
                    ticket.complete(t.strip());
                } catch (Exception | Error e) {
                    ticket.completeExceptionally(new RealtimeException(0, ErrorCodes.NO_TICKET, "the ticket source failed: " + e, e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ticket.completeExceptionally(new RealtimeException(0, ErrorCodes.CLOSED, "the client is closed"));
        }
        return ticket;
    }

    /** An HTTP answer to a request that presented {@code sent}. */
    void answered(int status, HttpHeaders headers, String sent) {
        String t = headers.firstValue("Realtime-Token").orElse(null);
        long expiresIn = headers.firstValue("Realtime-Expires-In").map(TicketAuth::millis).orElse(-1L);
        if (t != null && expiresIn > 0) {
            accept(t, expiresIn);
        } else if (status == 401) {
            forget(sent);
        }
    }

    private static long millis(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The server's resume token and the milliseconds until the credential expires; schedules the refresh. */
    synchronized void accept(String newToken, long expiresInMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(expiresInMillis);
        if (closed || newToken.equals(token)) {
            return; // the same token comes back with every answer to a request that presented it: its refresh is set
        }
        if (token != null && deadline - deadlineNanos < 0) {
            return; // an older answer arriving late
        }
        token = newToken;
        deadlineNanos = deadline;
        safetyNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(SAFETY_MILLIS, expiresInMillis / 10));
        if (refresh != null) {
            refresh.cancel(false);
        }
        // halfway through the lifetime, but not earlier than a minute before expiry: time to spare for a
        // slow ticket endpoint, without asking for tickets far more often than the credential needs
        long at = Math.max(expiresInMillis / 2, expiresInMillis - TimeUnit.MINUTES.toMillis(1));
        refresh = thread.schedule(this::refresh, at, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        fetch().whenComplete((ticket, error) -> {
            if (error != null) {
                errors.accept(error); // the connection closes at expiry and reconnects with a new ticket
            } else {
                onRefreshTicket.accept(ticket);
            }
        });
    }

    /** Milliseconds until the scheduled refresh (tests). */
    synchronized long refreshInMillis() {
        return refresh == null ? -1 : refresh.getDelay(TimeUnit.MILLISECONDS);
    }

    /** A refresh ticket the next request presents (SSE and long-polling refresh with their next request). */
    synchronized void offer(String ticket) {
        waitingTicket = ticket;
    }

    /** The credential expired or was refused: the next request gets a new ticket. */
    synchronized void forget() {
        token = null;
        waitingTicket = null;
    }

    /** Forgets the token only if it is the one refused (a newer one may have arrived meanwhile). */
    private synchronized void forget(String refused) {
        if (refused != null && refused.equals(token)) {
            token = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.log(Level.DEBUG, "the ticket source did not return within 2 s of close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String toString() {
        return "TicketAuth[" + (token == null ? "no token" : "token valid for "
                + TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + " ms") + "]"; // never the token
    }
}
