package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A JDK WebSocket subscriber. For the library: connect-time channel, resume with {@code since}.
 * Subclasses for other protocols override {@link #liveOnOpen()} and {@link #onFrame}.
 */
class WsClient extends Client {
    private volatile WebSocket ws;

    WsClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
    }

    @Override
    String transport() {
        return "ws";
    }

    @Override
    void connect() {
        if (stopped) {
            return;
        }
        boolean liveOnOpen = liveOnOpen();
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(target.withChannel(target.wsUrl(cursor), channel)), new Listener())
                .whenComplete((w, err) -> {
                    if (err != null) {
                        onDisconnected();
                        return;
                    }
                    ws = w;
                    if (stopped) {
                        w.abort();
                    } else if (liveOnOpen) {
                        onConnected();
                    }
                });
    }

    @Override
    void stop() {
        stopped = true;
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
    }

    /** Whether the connection is live as soon as it opens (the baseline sends no "subscribed" frame). */
    boolean liveOnOpen() {
        return !target.library();
    }

    /** One whole text frame, received at {@code now}. */
    void onFrame(String text, long now) {
        if (text.startsWith("{\"type\":\"subscribed\"")) {
            onConnected();
            return;
        }
        if (target.library()) {
            String c = cursorOf(text);
            if (c != null) {
                cursor = c;
            }
        }
        readPayloads(text, now);
    }

    private final class Listener implements WebSocket.Listener {
        private StringBuilder partial;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                partial.append(data);
                webSocket.request(1);
                return null;
            }
            String text;
            if (partial != null) {
                text = partial.append(data).toString();
                partial = null;
            } else {
                text = data.toString();
            }
            onFrame(text, System.nanoTime());
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            heartbeats.incrementAndGet(); // the JDK client answers with a pong by itself
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onDisconnected();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onDisconnected();
        }
    }
}
