package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import dev.realtime.redis.RedisServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21, item 2, over the wire: Redis restarts from a snapshot older than what clients already
 * received (as after {@code SAVE}, more publishes, then a crash; or a failover to a lagging replica).
 * The counters roll back, so without a new epoch the next publishes would reuse positions the client
 * already holds and its cursor would skip them silently. The client must get a gap and every message
 * published after the restart.
 */
class SnapshotRollbackIT {
    private static RedisServer redis;
    private static RedisNodes nodes;
    private static RedisNodes.Node a;
    private static RedisNodes.Node b;

    @BeforeAll
    static void start() {
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            nodes = new RedisNodes(redis.uri(), "rollback:");
            a = nodes.start("a");
            b = nodes.start("b");
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{a, b, nodes, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void aLongPollCursorFromBeforeARestoredSnapshotGetsAGapAndEveryLaterMessage() throws Exception {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        Http onA = new Http(a.base);
        Http onB = new Http(b.base);
        String channel = "orders";
        JsonObject first = poll(onB, channel, "earliest", 0);
        String cursor = first.getString("cursor");

        for (int i = 1; i <= 3; i++) {
            assertThat(onA.publish(channel, Integer.toString(i)).statusCode()).isEqualTo(202);
        }
        assertThat(redis.send("SAVE")).isEqualTo("+OK");
        for (int i = 4; i <= 6; i++) {
            assertThat(onA.publish(channel, Integer.toString(i)).statusCode()).isEqualTo(202);
        }
        List<Integer> received = new ArrayList<>();
        while (received.size() < 6) {
            JsonObject page = poll(onB, channel, cursor, 5);
            page.getJsonArray("messages").forEach(m -> received.add(m.asJsonObject().getInt("data")));
            cursor = page.getString("cursor");
        }
        assertThat(received).containsExactly(1, 2, 3, 4, 5, 6);

        redis.kill();
        redis.start(); // reloads the snapshot taken after message 3
        List<Integer> afterRestart = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 7; i <= 9; i++) {
            while (true) {
                HttpResponse<String> r = onA.publish(channel, Integer.toString(i));
                if (r.statusCode() == 202) {
                    afterRestart.add(i);
                    break;
                }
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(System.nanoTime()).as("publishing works again within 20 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        JsonObject resumed = poll(onB, channel, cursor, 5);
        assertThat(resumed.getJsonArray("gaps")).as("the restored Redis is a new epoch: the client is told")
                .extracting(v -> ((jakarta.json.JsonString) v).getString()).containsExactly(channel);
        List<Integer> replayed = new ArrayList<>();
        for (JsonValue m : resumed.getJsonArray("messages")) {
            replayed.add(m.asJsonObject().getInt("data"));
        }
        assertThat(replayed).as("every message published after the restart reaches the client")
                .containsSubsequence(afterRestart);
    }

    private static JsonObject poll(Http http, String channel, String since, int timeoutSeconds) {
        HttpResponse<String> r = http.get("/realtime/poll?channel=" + enc(channel) + "&since=" + enc(since)
                + "&timeout=" + timeoutSeconds * 1000);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }
}
