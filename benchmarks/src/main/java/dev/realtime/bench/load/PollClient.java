package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A long-polling subscriber: polls again with the cursor of each answer; counts requests and bytes. */
final class PollClient extends Client {
    static final long TIMEOUT_MILLIS = 20_000;
    /** What the JDK client writes besides the URL: request line and headers (measured with a capture, rounded). */
    static final int REQUEST_OVERHEAD = 110;

    /** The {@code timeout} of each poll (the capacity hold uses a shorter one, so re-polls show within its minute). */
    volatile long timeoutMillis = TIMEOUT_MILLIS;

    PollClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
        reconnect = true; // a poller always polls again
    }

    @Override
    String transport() {
        return "poll";
    }

    @Override
    void connect() {
        if (stopped) {
            return;
        }
        long timeout = timeoutMillis;
        String url = target.withChannel(target.pollUrl(cursor, timeout), channel);
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeout + 40_000)).build();
        onConnected();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            long now = System.nanoTime();
            Phase p = phase;
            if (err != null || resp.statusCode() != 200) {
                connected = false;
                drops.incrementAndGet();
                if (p != null) {
                    p.disconnects.increment();
                }
                if (!stopped) {
                    timer.schedule(this::connect, 100, TimeUnit.MILLISECONDS);
                }
                return;
            }
            String body = resp.body();
            if (p != null) {
                p.pollRequests.increment();
                p.pollBytes.add(body.length() + headerBytes(resp.headers().map()) + url.length() + REQUEST_OVERHEAD);
            }
            String c = cursorOf(body);
            if (c != null) {
                cursor = c;
            }
            if (!body.contains("\"seq\":")) {
                heartbeats.incrementAndGet(); // answered empty: the poll timed out (a re-poll follows)
            }
            readPayloads(body, now);
            connect();
        });
    }

    private static int headerBytes(Map<String, List<String>> headers) {
        int n = 17; // status line
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            for (String v : e.getValue()) {
                n += e.getKey().length() + v.length() + 4;
            }
        }
        return n + 2;
    }

    @Override
    void stop() {
        stopped = true;
    }
}
