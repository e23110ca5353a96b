package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An SSE subscriber on the JDK HttpClient speaking atmosphere.js's protocol ({@link AtmosphereProtocol}):
 * events are {@code data:<length>|<message>}; live once the handshake event arrives (or, on a reconnection with
 * its tracking id, once the padding line arrives).
 */
final class AtmosphereSseClient extends SseClient {

    AtmosphereSseClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
    }

    @Override
    HttpRequest.Builder request() {
        return HttpRequest.newBuilder(URI.create(target.sseUrl(cursor)))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(30));
    }

    @Override
    LineReader newLineReader() {
        boolean resume = cursor != null;
        return new LineReader() {
            private String data;

            @Override
            public void line(String line) {
                if (line.isEmpty()) {
                    if (data != null) {
                        String uuid = AtmosphereProtocol.read(AtmosphereSseClient.this, data, System.nanoTime());
                        if (uuid != null) {
                            cursor = uuid;
                            onConnected();
                        }
                    }
                    data = null;
                } else if (line.startsWith("data:")) {
                    data = line.substring(5);
                } else if (resume) {
                    onConnected(); // the padding line: suspended again, no handshake on a reconnection
                }
            }
        };
    }
}
