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
 * An EventSource-like subscriber on the JDK HttpClient: reads lines, resumes with {@code Last-Event-ID}.
 * Subclasses for other protocols override {@link #request()} and {@link #newLineReader()}.
 */
class SseClient extends Client {
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
        Lines lines = new Lines(newLineReader());
        http.sendAsync(request().build(), HttpResponse.BodyHandlers.fromLineSubscriber(lines))
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

    HttpRequest.Builder request() {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target.withChannel(target.sseUrl(cursor), channel)))
                .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(30));
        if (cursor != null && target.library()) {
            req.header("Last-Event-ID", cursor);
        }
        return req;
    }

    /** Reads the lines of one connection (a new one per connection: it keeps the event being read). */
    interface LineReader {
        void line(String line);
    }

    LineReader newLineReader() {
        return new LineReader() {
            private String id;
            private String data;

            @Override
            public void line(String line) {
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
        };
    }

    /** One connection's lines. */
    private final class Lines implements Flow.Subscriber<String> {
        private final AtomicBoolean ended = new AtomicBoolean();
        private final LineReader reader;

        Lines(LineReader reader) {
            this.reader = reader;
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
            reader.line(line);
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
