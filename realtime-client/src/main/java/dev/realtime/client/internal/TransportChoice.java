package dev.realtime.client.internal;

import dev.realtime.client.Transport;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Which transport the client connects with, and how long it waits after a failure. A forced
 * transport stays; AUTO goes WebSocket, SSE, long-polling, moving on when one is refused or fails
 * to open a few times in a row, and comes back to WebSocket when a probe finds it works again.
 * Confined to the {@link Loop}.
 */
final class TransportChoice {

    private static final System.Logger LOG = System.getLogger(TransportChoice.class.getName());
    private static final List<Transport> AUTO_ORDER = List.of(Transport.WEBSOCKET, Transport.SSE, Transport.LONG_POLLING);
    /** Consecutive failures to open one transport after which AUTO tries the next. */
    private static final int OPEN_FAILURES_BEFORE_FALLBACK = 3;

    private final Transport configured;
    private final Backoff backoff;
    private int index;
    private int openFailures;

    TransportChoice(ClientConfig cfg) {
        this.configured = cfg.transport();
        this.backoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
        this.index = configured == Transport.AUTO ? 0 : AUTO_ORDER.indexOf(configured);
    }

    Transport current() {
        return AUTO_ORDER.get(index);
    }

    /** A connection opened: the next failure starts the count and the backoff afresh. */
    void opened() {
        backoff.reset();
        openFailures = 0;
    }

    /**
     * A connection on {@code failed} ended; returns the delay before the next attempt, having moved
     * AUTO on to the next transport if this one was refused or kept failing to open.
     */
    long failed(Transport failed, Throwable cause, boolean refused, boolean wasOpen) {
        if (configured == Transport.AUTO && (refused || (!wasOpen && ++openFailures >= OPEN_FAILURES_BEFORE_FALLBACK))) {
            index = (index + 1) % AUTO_ORDER.size();
            openFailures = 0;
            LOG.log(Level.INFO, "{0} did not work ({1}); trying {2}", failed, cause, current());
            return refused ? 0 : backoff.nextDelayMillis();
        }
        return backoff.nextDelayMillis();
    }

    void backToWebSocket() {
        index = AUTO_ORDER.indexOf(Transport.WEBSOCKET);
        openFailures = 0;
    }
}
