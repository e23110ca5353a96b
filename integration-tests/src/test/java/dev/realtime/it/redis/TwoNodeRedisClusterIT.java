package dev.realtime.it.redis;

import dev.realtime.it.support.WsClient;
import dev.realtime.redis.RedisCluster;
import dev.realtime.redis.RedisServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two-node tests of {@link TwoNodeRedisIT} on a Redis Cluster (three primaries, one replica each,
 * started once for the class): messages cross nodes on every transport, cursors move between nodes,
 * a node can die. Where the parent kills its one Redis, here the primary that owns the channel's slot
 * fails over to its replica during a stream.
 */
class TwoNodeRedisClusterIT extends TwoNodeRedisIT {
    private static RedisCluster cluster;

    /** Hides the parent's: the same nodes, pointed at a cluster. */
    @BeforeAll
    static void startRedisAndNodes() {
        cluster = RedisCluster.startIfInstalled(3, 1);
        if (cluster != null) {
            startNodes(cluster.uri(), "itc");
        }
    }

    @AfterAll
    static void stopAll() {
        stopNodes();
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * A WebSocket client on node b while node a publishes every 10 ms; the channel's primary is killed
     * and its replica takes over. Publishing pauses (503 bus_unavailable) and resumes; the client
     * gets, in order and once each, the messages before, then a gap notice (the promoted replica may
     * lack the newest writes, so positions moved on), then every message accepted after the failover.
     */
    @Override
    @Test
    void redisKilledAndRestartedDuringAStream() throws Exception {
        WsClient ws = track(new WsClient(ws(b, "?channel=" + enc(channel))));
        ws.next("subscribed");

        List<Integer> accepted = new CopyOnWriteArrayList<>();
        List<String> refusals = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                HttpResponse<String> r = httpA.publish(channel, Integer.toString(i));
                if (r.statusCode() == 202) {
                    accepted.add(i);
                } else {
                    refusals.add(r.statusCode() + " " + dev.realtime.it.support.Http.json(r).getString("error"));
                }
                i++;
                sleep(10);
            }
        }, "publisher-on-a");
        publisher.start();
        try {
            List<Integer> before = new ArrayList<>();
            while (before.size() < 20) {
                before.add(ws.next("message").getInt("data"));
            }
            String key = "itc-ignored{" + channel + "}";
            RedisServer primary = cluster.primaryOf(key);
            cluster.killAndAwaitFailover(primary, key);
            int afterFailover = accepted.size();
            assertThat(waitFor(() -> accepted.size() >= afterFailover + 30, 30)).as("publishing works again").isTrue();
            stop.set(true);
            publisher.join(10_000);
            assertThat(refusals).as("answers while the shard has no primary").allMatch(s -> s.equals("503 bus_unavailable"));

            // accepted once the failover was over: the promoted replica took them, so none may be missing
            List<Integer> expectedAfter = new ArrayList<>(accepted.subList(afterFailover, accepted.size()));
            List<Integer> after = new ArrayList<>();
            List<Integer> received = new ArrayList<>(before);
            int gaps = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!received.containsAll(expectedAfter) && System.nanoTime() < deadline) {
                JsonObject f = ws.next();
                switch (f.getString("type")) {
                    case "gap" -> {
                        assertThat(f.getString("channel")).isEqualTo(channel);
                        gaps++;
                    }
                    case "message" -> {
                        (gaps == 0 ? before : after).add(f.getInt("data"));
                        received.add(f.getInt("data"));
                    }
                    default -> throw new AssertionError("unexpected frame " + f);
                }
            }
            assertThat(gaps).as("the promoted replica's positions moved on: the client is told of a gap").isGreaterThanOrEqualTo(1);
            assertThat(before).as("a gap notice comes after what was received before the kill").hasSizeGreaterThanOrEqualTo(20);
            assertThat(received).as("every message in publish order, once (across the gap too)").isSorted().doesNotHaveDuplicates();
            assertThat(accepted).as("only accepted messages arrive").containsAll(received);
            assertThat(received).as("every message accepted after the failover").containsAll(expectedAfter);
            assertThat(ws.drain(Duration.ofMillis(300))).as("nothing more").isEmpty();

            primary.start(); // rejoins as a replica
            cluster.awaitHealthy();
        } finally {
            stop.set(true);
            publisher.join(10_000);
        }
    }
}
