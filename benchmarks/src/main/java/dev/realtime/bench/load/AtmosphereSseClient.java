package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An SSE subscriber on the JDK HttpClient speaking atmosphere.js's protocol ({@link AtmosphereProtocol}):
 * events are {@code data:<length>|<message>}; live once the handshake event arrives (or, on a reconnection with
 * its tracking id, once the padding line arrives).
 */
final class AtmosphereSseClient extends Client {
    private volatile Flow.Subscription subscription;

    AtmosphereSseClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
    }

    @Override
    String transport() {
        return "sse";
    }

    @Override
    void connect() {
        if (stopped) {
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(target.sseUrl(cursor)))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(30)).build();
        Lines lines = new Lines(cursor != null);
        http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(lines))
                .whenComplete((resp, err) -> {
                    if (err != null || resp.statusCode() != 200) {
                        lines.end();
                    }
                });
    }

    @Override
    void stop() {
        stopped = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** One connection's lines. */
    private final class Lines implements Flow.Subscriber<String> {
        private final AtomicBoolean ended = new AtomicBoolean();
        private final boolean resume;
        private String data;

        Lines(boolean resume) {
            this.resume = resume;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (stopped) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
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

        @Override
        public void onError(Throwable throwable) {
            end();
        }

        @Override
        public void onComplete() {
            end();
        }

        void end() {
            if (ended.compareAndSet(false, true)) {
                onDisconnected();
            }
        }
    }
}
