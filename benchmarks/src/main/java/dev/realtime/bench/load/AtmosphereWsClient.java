package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A JDK WebSocket subscriber speaking atmosphere.js's protocol ({@link AtmosphereProtocol}): live once the
 * handshake message arrives; reconnects with its tracking id, so Atmosphere's cache replays what it missed.
 */
final class AtmosphereWsClient extends Client {
    private volatile WebSocket ws;

    AtmosphereWsClient(Target target, HttpClient http, ScheduledExecutorService timer) {
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
        boolean resume = cursor != null;
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(target.wsUrl(cursor)), new Listener())
                .whenComplete((w, err) -> {
                    if (err != null) {
                        onDisconnected();
                        return;
                    }
                    ws = w;
                    if (stopped) {
                        w.abort();
                    } else if (resume) {
                        onConnected(); // no handshake on a reconnection with a tracking id
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
            String uuid = AtmosphereProtocol.read(AtmosphereWsClient.this, text, System.nanoTime());
            if (uuid != null) {
                cursor = uuid;
                onConnected();
            }
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
