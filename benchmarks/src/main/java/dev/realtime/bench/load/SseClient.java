package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/** An EventSource-like subscriber on the JDK HttpClient: reads lines, resumes with {@code Last-Event-ID}. */
final class SseClient extends Client {
    private volatile Flow.Subscription subscription;

    SseClient(Target target, HttpClient http, ScheduledExecutorService timer) {
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
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target.withChannel(target.sseUrl(cursor), channel)))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(30));
        if (cursor != null && target.library()) {
            req.header("Last-Event-ID", cursor);
        }
        Lines lines = new Lines();
        http.sendAsync(req.build(), HttpResponse.BodyHandlers.fromLineSubscriber(lines))
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
        private String id;
        private String data;

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
                    if (id != null && target.library()) {
                        cursor = id;
                    }
                    readPayloads(data, System.nanoTime());
                }
                id = null;
                data = null;
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("retry:")) {
                onConnected();
            } else if (line.startsWith(":")) {
                heartbeats.incrementAndGet(); // comment line: the server's heartbeat
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
