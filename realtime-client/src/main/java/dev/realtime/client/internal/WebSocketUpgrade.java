package dev.realtime.client.internal;

import dev.realtime.client.Transport;
import java.net.http.HttpClient;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;

/**
 * AUTO back to WebSocket: while on SSE or long-polling, probe a WebSocket handshake after a growing
 * delay; once one succeeds, the engine reconnects on WebSocket from the cursor (like a fallback,
 * nothing lost or repeated). A failed switch falls back again as any failed connection does.
 * Confined to the {@link Loop}.
 */
final class WebSocketUpgrade {

    private final ClientConfig cfg;
    private final HttpClient http;
    private final Loop loop;
    /** Whether the engine still runs on a fallback transport. */
    private final BooleanSupplier onFallback;
    /** Leaves the fallback for WebSocket. */
    private final Runnable switchToWebSocket;
    private final Backoff backoff;
    private ScheduledFuture<?> task;
    private WebSocketProbe probe;

    WebSocketUpgrade(ClientConfig cfg, HttpClient http, Loop loop, BooleanSupplier onFallback, Runnable switchToWebSocket) {
        this.cfg = cfg;
        this.http = http;
        this.loop = loop;
        this.onFallback = onFallback;
        this.switchToWebSocket = switchToWebSocket;
        this.backoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
    }

    /** On a fallback transport: probe after the next delay (AUTO only; once at a time). */
    void schedule() {
        if (cfg.transport() != Transport.AUTO || task != null || probe != null) {
            return;
        }
        task = loop.later(backoff.nextDelayMillis(), this::probe);
    }

    /** WebSocket is open: the next fallback starts probing from the shortest delay again. */
    void reset() {
        backoff.reset();
    }

    void stop() {
        Loop.cancel(task);
        task = null;
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    private void probe() {
        task = null;
        if (!onFallback.getAsBoolean()) {
            return;
        }
        WebSocketProbe[] self = new WebSocketProbe[1];
        self[0] = new WebSocketProbe(http, cfg.base(), cfg.headers(), cfg.connectTimeout(),
                ok -> loop.post(() -> onProbed(self[0], ok)));
        probe = self[0];
    }

    private void onProbed(WebSocketProbe p, boolean ok) {
        if (p == null || p != probe) {
            return;
        }
        p.close();
        probe = null;
        if (!onFallback.getAsBoolean()) {
            return;
        }
        if (ok) {
            switchToWebSocket.run();
        } else {
            schedule();
        }
    }
}
