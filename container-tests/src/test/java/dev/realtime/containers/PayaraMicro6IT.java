package dev.realtime.containers;

import dev.realtime.redis.RedisServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PayaraMicro6IT extends CdiChecks {
    PayaraMicro6IT() {
        super(Servers.payaraMicro("payara6"));
    }

    /** {@code /redis}'s bus timeout ({@code realtime.redis.timeout}): a PING to a Redis that is gone fails after it. */
    private static final Duration BUS_TIMEOUT = Duration.ofSeconds(2);
    /** What {@code /redis} logs, and only while its Redis is stopped and started again (empty: a new epoch). */
    private static final List<Server.Expected> REDIS_OUTAGE = List.of(
            // the bus's and presence's own pub/sub connections ("Redis bus ..." and "Redis presence ...")
            new Server.Expected("dev.realtime.redis.PlainPubSub", "lost its pub/sub connection to"),
            new Server.Expected("dev.realtime.internal.metrics.HealthCheck", "health: DOWN, the message bus failed its check"),
            new Server.Expected("dev.realtime.redis.RedisBus", "Redis bus epoch changed from"),
            new Server.Expected("dev.realtime.redis.RedisLive", "presence: this node's liveness in Redis had expired"));

    /** The bus of {@code /redis}, started before the server; null (and its check skipped) without redis-server. */
    private RedisServer redis;

    @Override
    List<App> moreApps() {
        List<App> apps = new ArrayList<>(super.moreApps());
        apps.add(new App("/ee", TestApps.SAMPLE_EE));
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            apps.add(TestApps.redisReadinessApp("/redis", redis.uri(), BUS_TIMEOUT));
        }
        return apps;
    }

    /** Redis goes after the server: stopping it earlier would make /redis log its loss outside the check's window. */
    @AfterAll
    @Override
    void stopAndReadTheLog() throws Exception {
        try {
            super.stopAndReadTheLog();
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** Payara has MicroProfile Health: each application with realtime-cdi shows up in readiness. */
    @Test
    void realtimeIsPartOfMicroProfileReadiness() throws Exception {
        assertReadinessUp();
    }

    /**
     * Readiness follows the bus: {@code realtime /redis} is UP on its Redis, DOWN (with 503) within the
     * bus timeout and a margin once Redis is stopped, and UP again once it is back. The warnings the
     * library logs meanwhile are expected, and passed over by the log check for that window only.
     */
    @Test
    void readinessTurnsDownWhenRedisStopsAndUpWhenItIsBack() throws Exception {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        Readiness up = awaitRedisCheck("UP", Duration.ofSeconds(10));
        assertThat(up.status).as(up.body).isEqualTo(200);
        assertThat(up.check.getJsonObject("data").getString("bus")).isEqualTo("redis");

        Map<Path, Integer> from = server().logMark();
        redis.kill();
        Readiness down = awaitRedisCheck("DOWN", BUS_TIMEOUT.plusSeconds(8));
        assertThat(down.status).as("readiness with a check DOWN: " + down.body).isEqualTo(503);
        assertThat(down.check.getJsonObject("data").getString("bus")).isEqualTo("redis");
        assertThat(down.check.getJsonObject("data").getString("health")).contains("the message bus is unreachable");

        redis.start();
        Readiness again = awaitRedisCheck("UP", Duration.ofSeconds(30));
        assertThat(again.status).as(again.body).isEqualTo(200);
        // the window closes once the bus and presence have both seen Redis come back empty (their last warnings)
        awaitLog("Redis bus epoch changed from");
        awaitLog("liveness in Redis had expired");
        server().expect(from, server().logMark(), REDIS_OUTAGE);
    }

    /** Waits for {@code text} in the log, for up to 15 s (presence renews its liveness every 5 s). */
    private void awaitLog(String text) throws Exception {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); server().logCount(text) == 0; Thread.sleep(100)) {
            assertThat(System.nanoTime()).as("'" + text + "' in the log after Redis came back").isLessThan(end);
        }
    }

    private record Readiness(int status, String body, JsonObject check) {
    }

    /** Polls {@code /health/ready} until {@code realtime /redis} has {@code status}; fails after {@code within}. */
    private Readiness awaitRedisCheck(String status, Duration within) throws Exception {
        long start = System.nanoTime();
        String last = "(no answer)";
        while (System.nanoTime() - start < within.toNanos()) {
            HttpResponse<String> r = wire.send(HttpRequest.newBuilder(server().base().resolve("/health/ready")));
            last = r.statusCode() + " " + r.body();
            JsonObject check = Wire.json(r.body()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                    .filter(c -> c.getString("name").equals("realtime /redis")).findFirst().orElse(null);
            if (check != null && check.getString("status").equals(status)) {
                return new Readiness(r.statusCode(), r.body(), check);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("realtime /redis not " + status + " within " + within.toMillis() + " ms; last answer: " + last);
    }

    /** The EE sample, unchanged: a committed task is sent, a rolled-back one never; subscriptions to the board are counted. */
    @Test
    void theEeSampleSendsOnlyCommittedTasksAndCountsConnections() throws Exception {
        Wire ee = new Wire(server().base(), "/ee");
        try (Wire.Ws ws = ee.ws("?channel=stats:watching&channel=tasks", null)) {
            ws.next("subscribed");
            ws.next("subscribed");
            JsonObject watching = ws.next("message");
            assertThat(watching.getString("channel")).isEqualTo("stats:watching");
            assertThat(watching.getJsonObject("data").getInt("watching")).as("counting this connection").isEqualTo(1);
            assertThat(post(ee, "/api/tasks?title=rolled&fail=true").statusCode()).isEqualTo(409);
            assertThat(post(ee, "/api/tasks?title=kept").statusCode()).isEqualTo(202);
            JsonObject task = ws.next("message");
            assertThat(task.getString("channel")).isEqualTo("tasks");
            assertThat(task.getJsonObject("data").getString("title")).as("the rolled-back task never came").isEqualTo("kept");
        }
    }

    private static HttpResponse<String> post(Wire w, String pathAndQuery) throws Exception {
        return w.send(HttpRequest.newBuilder(w.app(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
    }
}
