package dev.realtime.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A long-polling subscriber speaking atmosphere.js's protocol ({@link AtmosphereProtocol}): a handshake request
 * (tracking id 0) answered with the UUID, then polls with that UUID; Atmosphere's {@code UUIDBroadcasterCache}
 * keeps what is broadcast between two polls. Two ways to run, as for the other targets: with the JDK HttpClient
 * (idle capacity: no thread per connection) or on a plain keep-alive socket with one thread (fan-out and storm,
 * see {@link RawPollClient}), counting requests and bytes both ways.
 */
final class AtmospherePollClient extends RawPollClient {

    /** @param http the JDK client to poll with, or null for a raw socket and a thread */
    AtmospherePollClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
    }

    @Override
    synchronized void connect() {
        if (http != null) {
            jdkPoll();
        } else {
            super.connect();
        }
    }

    @Override
    boolean liveBeforeAnswer() {
        return cursor != null; // the first request is the handshake, answered with the UUID
    }

    /** The body of one answer: the handshake gives the UUID, a poll gives messages. */
    @Override
    void onAnswer(String body, long now) {
        String uuid = AtmosphereProtocol.read(this, body, now);
        if (uuid != null) {
            cursor = uuid;
        }
    }

    // ---------------------------------------------------------------- JDK HttpClient

    private void jdkPoll() {
        if (stopped) {
            return;
        }
        String url = target.pollUrl(cursor, PollClient.TIMEOUT_MILLIS);
        boolean handshake = cursor == null;
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(PollClient.TIMEOUT_MILLIS + 40_000)).build();
        if (!handshake) {
            onConnected();
        }
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            long now = System.nanoTime();
            Phase p = phase;
            if (err != null || resp.statusCode() != 200) {
                connected = false;
                if (p != null) {
                    p.disconnects.increment();
                }
                if (!stopped) {
                    timer.schedule(this::jdkPoll, 100, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (p != null) {
                p.pollRequests.increment();
            }
            onAnswer(resp.body(), now);
            jdkPoll();
        });
    }
}
