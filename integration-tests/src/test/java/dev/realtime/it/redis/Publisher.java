package dev.realtime.it.redis;

import dev.realtime.it.support.Http;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;

/**
 * Publishes {@code {"k":"<name>-<n>"}} over HTTP to one node every few milliseconds, one request at a
 * time, and records how each attempt ended: acknowledged (202, with its id), refused (any other
 * status) or failed (no answer: the node is gone). Every attempt has a key of its own; no retries.
 */
final class Publisher implements AutoCloseable {
    record Attempt(String key, long startNanos, long endNanos) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
        }
    }

    record Ack(Attempt attempt, long id) {
    }

    record Refusal(Attempt attempt, int status, String body) {
    }

    final String name;
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    final List<Ack> acks = new CopyOnWriteArrayList<>();
    final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    final List<Attempt> failures = new CopyOnWriteArrayList<>();
    private final URL node;
    private final String channel;
    private final long periodMillis;
    /** Long enough to tell a hang from a slow answer: the node must answer within the bus timeout. */
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean stop;
    private final Thread thread;

    Publisher(String name, URL node, String channel, long periodMillis) {
        this.name = name;
        this.node = node;
        this.channel = channel;
        this.periodMillis = periodMillis;
        this.thread = new Thread(this::run, "publisher-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        for (int n = 0; !stop; n++) {
            String key = name + "-" + n;
            HttpRequest request = HttpRequest.newBuilder(URI.create(node + "realtime/publish?channel=" + enc(channel)))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"k\":\"" + key + "\"}")).build();
            long start = System.nanoTime();
            Attempt attempt;
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                attempt = new Attempt(key, start, System.nanoTime());
                if (r.statusCode() == 202) {
                    acks.add(new Ack(attempt, Long.parseLong(Http.json(r).getString("id"))));
                } else {
                    refusals.add(new Refusal(attempt, r.statusCode(), r.body()));
                }
            } catch (IOException e) {
                attempt = new Attempt(key, start, System.nanoTime());
                failures.add(attempt);
            } catch (InterruptedException e) {
                return;
            }
            attempts.add(attempt);
            Subscriber.sleep(periodMillis);
        }
    }

    /** Acknowledgements of publishes started after {@code nanos}. */
    long acksStartedAfter(long nanos) {
        return acks.stream().filter(a -> a.attempt().startNanos() > nanos).count();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(40_000);
    }

    @Override
    public String toString() {
        return name + ": " + acks.size() + " acknowledged, " + refusals.size() + " refused, " + failures.size() + " failed";
    }
}
