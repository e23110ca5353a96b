package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import dev.realtime.redis.RedisServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health endpoint of a node on the Redis bus follows a real Redis: {@code 200 UP} while it runs,
 * {@code 503 DOWN} once it is killed, {@code 200 UP} again once it is back; the connection counts
 * stay exact throughout, and the body never names Redis's address.
 */
class RedisHealthIT {
    private static RedisServer redis;
    private static RedisNodes nodes;
    private static RedisNodes.Node node;

    @BeforeAll
    static void start() {
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            nodes = new RedisNodes(redis.uri(), "health" + Long.toString(System.nanoTime(), 36) + ":");
            node = nodes.start("health");
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
        if (nodes != null) {
            nodes.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void healthTurnsDownWhileRedisIsGoneAndUpWhenItIsBack() throws Exception {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        Http http = new Http(node.base);
        try (WsClient ws = new WsClient(http.ws("?channel=health:room"))) {
            ws.next("subscribed");
            JsonObject up = awaitStatus(http, 200);
            assertThat(up.getString("status")).isEqualTo("UP");
            assertThat(up.getString("bus")).isEqualTo("redis");
            assertThat(up.getJsonObject("connections").getInt("websocket")).isEqualTo(1);
            assertThat(up.getJsonObject("connections").getInt("sse")).isZero();

            redis.kill();
            JsonObject down = awaitStatus(http, 503);
            assertThat(down.getString("status")).isEqualTo("DOWN");
            assertThat(down.getString("reason")).contains("bus");
            assertThat(down.getJsonObject("connections").getInt("websocket")).as("the connection is still open").isEqualTo(1);
            assertThat(down.toString()).as("no address in the body").doesNotContain("127.0.0.1", Integer.toString(redis.port()), "redis://");

            redis.start();
            JsonObject again = awaitStatus(http, 200);
            assertThat(again.getString("status")).isEqualTo("UP");
        }
    }

    /** Polls the endpoint until it answers {@code status}, for up to 30 s (the Redis client reconnects with backoff). */
    static JsonObject awaitStatus(Http http, int status) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> r;
        do {
            r = http.get("/realtime/health");
            if (r.statusCode() == status) {
                return Http.json(r);
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        throw new AssertionError("health did not answer " + status + " within 30 s; last: " + r.statusCode() + " " + r.body());
    }
}
