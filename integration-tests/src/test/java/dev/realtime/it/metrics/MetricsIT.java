package dev.realtime.it.metrics;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.ErrorAssert;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real traffic on every transport, read back three ways: the application's Micrometer registry, the
 * MBeans, and the health endpoint. Counts are compared before and after, exactly: the tests of this
 * class share one deployment and run one after the other, each closing its clients.
 */
@ExtendWith(ArquillianExtension.class)
class MetricsIT {
    static final String CONTEXT = "/metrics";
    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    static final List<String> TRANSPORTS = List.of("websocket", "sse", "longpoll");

    @Deployment(name = "on", testable = false)
    static WebArchive war() {
        return Deployments.war("metrics", Map.of(
                        "realtime.sse.probeInterval", "200ms",
                        "realtime.publish.rate", "100000"))
                .addClasses(MeterProbe.class, AppRegistry.class, MeterProbe.Meters.class)
                .addAsLibraries(MeterProbe.micrometerJars());
    }

    /** Both switches off: no health endpoint, no MBeans, no meters; the transports unchanged. */
    @Deployment(name = "off", testable = false)
    static WebArchive off() {
        return Deployments.war("metrics-off", Map.of("realtime.health.enabled", "false", "realtime.metrics.enabled", "false"))
                .addClasses(MeterProbe.class, AppRegistry.class)
                .addAsLibraries(MeterProbe.micrometerJars());
    }

    @ArquillianResource
    @OperateOnDeployment("on")
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(base);
        channel = "metrics:" + UUID.randomUUID();
        await("no connection left from an earlier test", () -> health().getJsonObject("connections").values().stream()
                .allMatch(v -> v.toString().equals("0")));
    }

    @Test
    void everyTransportsConnectionIsCountedInTheRegistryTheMBeansAndTheHealthEndpoint() throws Exception {
        try (WsClient ws = new WsClient(http.ws("?channel=" + enc(channel)));
             SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            ws.next("subscribed");
            CompletableFuture<HttpResponse<String>> poll = heldPoll(null);
            await("one connection per transport", () -> connections().equals(Map.of("websocket", 1L, "sse", 1L, "longpoll", 1L)));

            Meters meters = Meters.read(http, "");
            for (String t : TRANSPORTS) {
                assertThat(meters.count("realtime.connections", "context=" + CONTEXT + ",transport=" + t)).as(t).isEqualTo(1);
                assertThat(transportMBean(t, "Connections")).as(t + " over JMX").isEqualTo(1L);
            }
            assertThat(JMX.getAttribute(name("type=Realtime"), "Connections")).isEqualTo(3L);
            JsonObject health = health();
            assertThat(health.getString("status")).isEqualTo("UP");
            assertThat(health.getString("bus")).isEqualTo("memory");
            await("the subscriptions gauge (recounted once a second)",
                    () -> Meters.read(http, "").count("realtime.subscriptions", "context=" + CONTEXT) == 3
                            && Meters.read(http, "").count("realtime.channels", "context=" + CONTEXT) == 1);

            assertThat(http.publish(channel, "1").statusCode()).isEqualTo(202);
            assertThat(poll.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await("every connection counted out", () -> connections().equals(Map.of("websocket", 0L, "sse", 0L, "longpoll", 0L)));
        Meters after = Meters.read(http, "");
        for (String t : TRANSPORTS) {
            assertThat(after.count("realtime.connections", "context=" + CONTEXT + ",transport=" + t)).as(t).isZero();
        }
    }

    @Test
    void deliveriesBytesAndLagAreCountedPerTransport() throws Exception {
        Meters before = Meters.read(http, "");
        Map<String, Long> deliveredBefore = perTransport("MessagesDelivered");
        Map<String, Long> lagBefore = perTransport("DeliveryLagCount");
        try (WsClient ws = new WsClient(http.ws("?channel=" + enc(channel)));
             SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            ws.next("subscribed");
            String cursor = null;
            for (int i = 1; i <= 5; i++) {
                CompletableFuture<HttpResponse<String>> poll = heldPoll(cursor);
                // published while the poll is held: a live delivery on every transport
                await("the poll held", () -> connections().get("longpoll") == 1);
                assertThat(http.publish(channel, "{\"i\":" + i + "}").statusCode()).isEqualTo(202);
                JsonObject answer = Http.json(poll.get(10, TimeUnit.SECONDS).body());
                assertThat(answer.getJsonArray("messages")).hasSize(1);
                cursor = answer.getString("cursor");
                assertThat(ws.next("message").getJsonObject("data").getInt("i")).isEqualTo(i);
                assertThat(SseClient.field(nextSseEvent(sse), "data")).contains("\"i\":" + i);
            }
        }
        Meters after = Meters.read(http, "");
        Map<String, Long> deliveredAfter = perTransport("MessagesDelivered");
        Map<String, Long> lagAfter = perTransport("DeliveryLagCount");
        for (String t : TRANSPORTS) {
            String tags = "context=" + CONTEXT + ",transport=" + t;
            assertThat(after.count("realtime.messages.delivered", tags) - before.count("realtime.messages.delivered", tags))
                    .as(t + " deliveries in the registry").isEqualTo(5);
            assertThat(deliveredAfter.get(t) - deliveredBefore.get(t)).as(t + " deliveries over JMX").isEqualTo(5);
            assertThat(after.timerCount("realtime.delivery.lag", tags) - before.timerCount("realtime.delivery.lag", tags))
                    .as(t + " lags recorded by the registry's timer").isEqualTo(5);
            assertThat(lagAfter.get(t) - lagBefore.get(t)).as(t + " lags over JMX").isEqualTo(5);
            assertThat(after.count("realtime.bytes.written", tags) - before.count("realtime.bytes.written", tags))
                    .as(t + " bytes: at least the five payloads").isGreaterThan(5 * "{\"i\":1}".length());
            assertThat((Double) JMX.getAttribute(name("type=Transport,name=" + t), "DeliveryLagP99Millis"))
                    .as(t + " p99 lag (ms), a sanity bound on a loaded machine").isBetween(0.0, 10_000.0);
        }
        String http = "context=" + CONTEXT + ",origin=http";
        assertThat(after.count("realtime.messages.published", http) - before.count("realtime.messages.published", http)).isEqualTo(5);
        assertThat(after.timerCount("realtime.bus.publish", "context=" + CONTEXT)
                - before.timerCount("realtime.bus.publish", "context=" + CONTEXT)).isEqualTo(5);
    }

    @Test
    void gapsRefusalsAndDroppedConnectionsAreCounted() throws Exception {
        Meters before = Meters.read(http, "");
        Map<String, Long> refusalsBefore = refusalsOverJmx();
        // a cursor of another epoch: a gap on every transport
        String cursor = Http.json(http.get("/realtime/poll?timeout=0&channel=" + enc(channel))).getString("cursor");
        String foreign = cursor.replaceFirst("^1~[A-Za-z0-9]+~", "1~zzzzzz~");
        assertThat(foreign).isNotEqualTo(cursor);
        JsonObject polled = Http.json(http.get("/realtime/poll?timeout=0&channel=" + enc(channel) + "&since=" + enc(foreign)));
        assertThat(polled.getJsonArray("gaps")).hasSize(1);
        try (WsClient ws = new WsClient(http.ws("?channel=" + enc(channel) + "&since=" + enc(foreign)));
             SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel) + "&since=" + enc(foreign)), null)) {
            ws.next("subscribed");
            ws.next("gap");
            assertThat(SseClient.field(nextSseEvent(sse), "event")).isEqualTo("gap");

            // refusals: a bad channel over HTTP, an unknown frame and a publish without data over WebSocket
            assertThat(http.get("/realtime/poll?timeout=0&channel=" + enc("no spaces")).statusCode()).isEqualTo(400);
            ws.send("{\"type\":\"nope\"}");
            assertThat(ws.next("error").getString("code")).isEqualTo("invalid_frame");
            ws.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\"}");
            assertThat(ws.next("error").getString("code")).isEqualTo("invalid_frame");
            ws.send("{\"type\":\"publish\",\"channel\":\"" + channel + "-other\",\"data\":1}"); // not subscribed: only the ack comes back
            assertThat(ws.next("ack").getString("channel")).isEqualTo(channel + "-other");

            // the server drops both connections
            // the count also holds the long-poll sessions parked after the polls above (realtime.poll.linger)
            assertThat(Integer.parseInt(http.send(HttpRequest.newBuilder(http.uri("/test/drop")).POST(HttpRequest.BodyPublishers.noBody()).build())
                    .body())).as("the WebSocket and the SSE stream, and the parked polls").isBetween(2, 4);
            assertThat(ws.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        }
        Meters after = Meters.read(http, "");
        for (String t : TRANSPORTS) {
            String tags = "context=" + CONTEXT + ",transport=" + t;
            assertThat(after.count("realtime.gaps", tags) - before.count("realtime.gaps", tags)).as(t + " gaps").isEqualTo(1);
        }
        String c = "context=" + CONTEXT;
        assertThat(after.count("realtime.refusals", "code=invalid_channel," + c) - before.count("realtime.refusals", "code=invalid_channel," + c))
                .isEqualTo(1);
        assertThat(after.count("realtime.refusals", "code=invalid_frame," + c) - before.count("realtime.refusals", "code=invalid_frame," + c))
                .isEqualTo(2);
        Map<String, Long> refusalsAfter = refusalsOverJmx();
        assertThat(refusalsAfter.get("invalid_frame") - refusalsBefore.getOrDefault("invalid_frame", 0L)).as("over JMX").isEqualTo(2);
        assertThat(after.count("realtime.disconnects", "cause=dropped," + c) - before.count("realtime.disconnects", "cause=dropped," + c))
                .isEqualTo(2);
        assertThat(after.count("realtime.messages.published", c + ",origin=websocket")
                - before.count("realtime.messages.published", c + ",origin=websocket")).isEqualTo(1);
    }

    @Test
    void healthAnswersHeadAndRefusesOtherMethods() {
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(http.uri("/realtime/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(http.uri("/realtime/health"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        ErrorAssert.assertError(post, 405, "method_not_allowed");
        HttpResponse<String> get = http.get("/realtime/health");
        assertThat(get.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(get.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }

    @Test
    void switchedOffThereIsNoHealthEndpointNoMBeanAndNoMeter(@ArquillianResource @OperateOnDeployment("off") URL off) throws Exception {
        Http http = new Http(off);
        ErrorAssert.assertError(http.get("/realtime/health"), 404, "not_found");
        assertThat(JMX.queryNames(new ObjectName("dev.realtime:context=/metrics-off,*"), null)).isEmpty();
        assertThat(Meters.read(http, "").values()).isEmpty();
        try (WsClient ws = new WsClient(http.ws("?channel=" + enc(channel)))) {
            ws.next("subscribed");
            assertThat(http.publish(channel, "1").statusCode()).isEqualTo(202);
            assertThat(ws.next("message").getInt("data")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The next event with data, after the stream's retry line. */
    static List<String> nextSseEvent(SseClient sse) throws InterruptedException {
        List<String> event;
        do {
            event = sse.nextEvent();
        } while (SseClient.field(event, "data") == null && !event.contains(SseClient.END));
        return event;
    }

    CompletableFuture<HttpResponse<String>> heldPoll(String cursor) {
        return http.client.sendAsync(HttpRequest.newBuilder(http.uri("/realtime/poll?timeout=30000&channel=" + enc(channel)
                + (cursor == null ? "" : "&since=" + enc(cursor)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonObject health() {
        HttpResponse<String> r = http.get("/realtime/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    Map<String, Long> connections() {
        Map<String, Long> out = new HashMap<>();
        health().getJsonObject("connections").forEach((k, v) -> out.put(k, Long.parseLong(v.toString())));
        return out;
    }

    static ObjectName name(String rest) throws Exception {
        return new ObjectName("dev.realtime:context=" + CONTEXT + "," + rest);
    }

    static Long transportMBean(String transport, String attribute) throws Exception {
        return (Long) JMX.getAttribute(name("type=Transport,name=" + transport), attribute);
    }

    static Map<String, Long> perTransport(String attribute) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (String t : TRANSPORTS) {
            out.put(t, transportMBean(t, attribute));
        }
        return out;
    }

    /** An MXBean's {@code Map<String, Long>} arrives as a table of key/value rows. */
    static Map<String, Long> refusalsOverJmx() throws Exception {
        Map<String, Long> out = new HashMap<>();
        TabularData table = (TabularData) JMX.getAttribute(name("type=Realtime"), "Refusals");
        for (Object row : table.values()) {
            CompositeData d = (CompositeData) row;
            out.put((String) d.get("key"), (Long) d.get("value"));
        }
        return out;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
