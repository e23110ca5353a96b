package dev.realtime.containers;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire protocol checked from outside against the unchanged sample WAR on one server started
 * from its distribution. Each subclass names a server; failsafe runs the classes one after another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProtocolChecks {
    private static final String EVIL = "http://evil.example";
    private final Server server;
    private final AtomicInteger channels = new AtomicInteger();
    /** The sample, at the root. */
    Wire wire;
    /** {@link TestApps#endpointApp()}, at /app. */
    Wire app;

    ProtocolChecks(Server server) {
        this.server = server;
    }

    /** The servers to run: REALTIME_CONTAINERS / -Dcontainers, "all" or names; with -Pcontainers alone, all. */
    static boolean selected(String name) {
        String list = System.getProperty("containers", "");
        if (list.isBlank() || list.startsWith("${") || list.equalsIgnoreCase("all") || list.equalsIgnoreCase("true")) {
            return true;
        }
        return Arrays.asList(list.toLowerCase().split("\\s*,\\s*")).contains(name);
    }

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(selected(server.name), server.name + " is not in containers=" + System.getProperty("containers"));
        List<App> apps = new ArrayList<>(List.of(new App("", TestApps.SAMPLE), TestApps.endpointApp()));
        apps.addAll(moreApps());
        server.start(apps);
        wire = new Wire(server.base(), "");
        app = new Wire(server.base(), "/app");
    }

    /** Applications a server's own checks need, deployed with the others in the same start. */
    List<App> moreApps() {
        return List.of();
    }

    Server server() {
        return server;
    }

    /** Stops the server, then reads everything it logged: no stack trace or warning caused by the library. */
    @AfterAll
    void stopAndReadTheLog() throws Exception {
        server.stop();
        if (!selected(server.name)) {
            return;
        }
        assertThat(server.libraryTrouble()).as("library stack traces or warnings in " + server.name + "'s log (" + server.logFiles() + ")").isEmpty();
        // started three times over, the application ran one engine, and that one was stopped
        assertThat(server.logCount("realtime started in /app: ")).as("engines started in /app (the start-up line)").isEqualTo(1);
        Path stopped = server.reports().resolve("app-stopped.txt");
        assertThat(stopped).as("/app's listener reports as the server stops it").exists();
        assertThat(Files.readString(stopped)).as("/app's realtime threads left once it was stopped").isEqualTo("threads=0");
    }

    String channel() {
        return server.name + "-" + System.nanoTime() % 1_000_000 + "-" + channels.incrementAndGet();
    }

    String cursorNow(String channel) throws Exception {
        HttpResponse<String> r = wire.get("/poll?channel=" + channel + "&timeout=0");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Wire.json(r.body()).getString("cursor");
    }

    void published(String channel, String json) throws Exception {
        HttpResponse<String> r = wire.publish(channel, json, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(Wire.json(r.body()).getString("error")).isEqualTo(code);
    }

    /**
     * A refused handshake: answered with the HTTP error and its JSON where the servlet upgrades
     * (Tomcat, Jetty), or accepted, answered with an error frame and closed where the container
     * upgrades through the deployed endpoint (docs/wire-protocol-v1.md, WebSocket).
     */
    static void assertRefused(Wire.Ws ws, int status, String code, int closeCode) throws Exception {
        if (ws.refusal != null) {
            assertThat(ws.refusal.statusCode()).isEqualTo(status);
            String body = ws.refusal.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(ws.refusal.body());
            assertThat(Wire.json(body).getString("error")).isEqualTo(code);
        } else {
            assertThat(ws.next("error").getString("code")).isEqualTo(code);
            assertThat(ws.awaitClose()).isEqualTo(closeCode);
        }
    }

    @Test
    void webSocketDeliversWhatIsPublished() throws Exception {
        String a = channel();
        try (Wire.Ws ws = wire.ws("?channel=" + a, null)) {
            assertThat(ws.refusal).as("handshake answer").isNull();
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo(a);
            published(a, "{\"text\":\"over ws\"}");
            JsonObject m = ws.next("message");
            assertThat(m.getJsonObject("data").getString("text")).isEqualTo("over ws");
            assertThat(m.getString("cursor")).isNotBlank();
            ws.send("{\"type\":\"ping\",\"ref\":\"p\"}");
            assertThat(ws.next("pong").getString("ref")).isEqualTo("p");
        }
    }

    @Test
    void sseSendsItsRetryLineAtOnceThenEvents() throws Exception {
        String a = channel();
        try (Wire.Sse sse = wire.sse("?channel=" + a)) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            // before any event and long before the first heartbeat (15 s): a held first flush fails here
            assertThat(sse.nextLine()).isEqualTo("retry: 3000");
            published(a, "{\"text\":\"over sse\"}");
            assertThat(sse.nextData().getJsonObject("data").getString("text")).isEqualTo("over sse");
        }
    }

    @Test
    void longPollIsHeldUntilAMessageArrives() throws Exception {
        String a = channel();
        String cursor = cursorNow(a);
        CompletableFuture<HttpResponse<String>> held = wire.http.sendAsync(
                HttpRequest.newBuilder(wire.uri("/poll?channel=" + a + "&since=" + cursor + "&timeout=20000")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300); // let the poll be held; the answer is the same if the publish comes first
        published(a, "{\"text\":\"over poll\"}");
        HttpResponse<String> r = held.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Wire.json(r.body()).getJsonArray("messages").getJsonObject(0).getJsonObject("data").getString("text")).isEqualTo("over poll");
    }

    @Test
    void aWebSocketPublishReachesSseAndLongPoll() throws Exception {
        String a = channel();
        String cursor = cursorNow(a);
        try (Wire.Sse sse = wire.sse("?channel=" + a); Wire.Ws ws = wire.ws("", null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            ws.send("{\"type\":\"publish\",\"channel\":\"" + a + "\",\"data\":{\"n\":1},\"ref\":\"r1\"}");
            JsonObject ack = ws.next("ack");
            assertThat(ack.getString("ref")).isEqualTo("r1");
            assertThat(sse.nextData().getJsonObject("data").getInt("n")).isEqualTo(1);
            HttpResponse<String> poll = wire.get("/poll?channel=" + a + "&since=" + cursor + "&timeout=0");
            assertThat(Wire.json(poll.body()).getJsonArray("messages").getJsonObject(0).getString("id")).isEqualTo(ack.getString("id"));
        }
    }

    @Test
    void everyTransportResumesFromACursor() throws Exception {
        String a = channel();
        String cursor = cursorNow(a);
        for (int i = 1; i <= 3; i++) {
            published(a, "{\"n\":" + i + "}");
        }
        HttpResponse<String> poll = wire.get("/poll?channel=" + a + "&since=" + cursor + "&timeout=0");
        assertThat(Wire.json(poll.body()).getJsonArray("messages").stream().map(m -> m.asJsonObject().getJsonObject("data").getInt("n")))
                .containsExactly(1, 2, 3);
        try (Wire.Sse sse = wire.sse("?channel=" + a + "&since=" + cursor)) {
            for (int i = 1; i <= 3; i++) {
                assertThat(sse.nextData().getJsonObject("data").getInt("n")).isEqualTo(i);
            }
        }
        try (Wire.Ws ws = wire.ws("?channel=" + a + "&since=" + cursor, null)) {
            ws.next("subscribed");
            for (int i = 1; i <= 3; i++) {
                assertThat(ws.next("message").getJsonObject("data").getInt("n")).isEqualTo(i);
            }
        }
    }

    @Test
    void badRequestsGetTheProtocolsJsonErrors() throws Exception {
        assertError(wire.get("/poll"), 400, "missing_channel");
        assertError(wire.get("/sse?channel=" + Wire.enc("no spaces")), 400, "invalid_channel");
        assertError(wire.get("/nothing-here"), 404, "not_found");
        assertError(wire.get("/ws"), 426, "upgrade_required");
        assertError(wire.send(HttpRequest.newBuilder(wire.uri("/publish?channel=x")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hi"))), 415, "unsupported_media_type");
        try (Wire.Ws ws = wire.ws("", null)) {
            ws.send("{not json");
            assertThat(ws.next("error").getString("code")).isEqualTo("invalid_json");
            ws.send("{\"type\":\"dance\"}");
            assertThat(ws.next("error").getString("code")).isEqualTo("invalid_frame");
        }
        try (Wire.Ws ws = wire.ws("?channel=" + Wire.enc("no spaces"), null)) {
            assertRefused(ws, 400, "invalid_channel", 1008);
        }
    }

    @Test
    void otherOriginsMayNotOpenWebSocketsOrPublish() throws Exception {
        try (Wire.Ws ws = wire.ws("?channel=" + channel(), EVIL)) {
            assertRefused(ws, 403, "forbidden", 1008);
        }
        assertError(wire.publish(channel(), "{}", EVIL), 403, "forbidden");
        try (Wire.Ws ws = wire.ws("?channel=" + channel(), server.base().toString())) {
            assertThat(ws.refusal).as("same origin").isNull();
            ws.next("subscribed");
        }
    }

    @Test
    void aFrameOverTheLimitClosesWith1009() throws Exception {
        try (Wire.Ws ws = wire.ws("", null)) {
            ws.socket.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(200 * 1024) + "\"}", true);
            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
    }

    /** Each handshake's checks reach its own connection, even when many arrive at once. */
    @Test
    void concurrentHandshakesKeepTheirOwnChannels() throws Exception {
        List<String> names = new ArrayList<>();
        List<CompletableFuture<Wire.Ws>> opening = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String c = channel();
            names.add(c);
            opening.add(CompletableFuture.supplyAsync(() -> wire.ws("?channel=" + c, null)));
        }
        List<Wire.Ws> sockets = new ArrayList<>();
        try {
            for (CompletableFuture<Wire.Ws> f : opening) {
                sockets.add(f.get());
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertThat(sockets.get(i).next("subscribed").getString("channel")).isEqualTo(names.get(i));
            }
            published(names.get(3), "{\"only\":3}");
            assertThat(sockets.get(3).next("message").getJsonObject("data").getInt("only")).isEqualTo(3);
        } finally {
            sockets.forEach(Wire.Ws::close);
        }
    }

    @Test
    void anApplicationsOwnServerEndpointServesTheProtocol() throws Exception {
        String a = channel();
        try (Wire.Ws ws = Wire.wsAt(app.app("/live?key=open-sesame&channel=" + a), null)) {
            assertThat(ws.refusal).as("handshake answer").isNull();
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo(a);
            assertThat(app.publish(a, "{\"text\":\"to my endpoint\"}", null).statusCode()).isEqualTo(202);
            assertThat(ws.next("message").getJsonObject("data").getString("text")).isEqualTo("to my endpoint");
            ws.send("{\"type\":\"publish\",\"channel\":\"" + a + "\",\"data\":{\"n\":2},\"ref\":\"r\"}");
            // the ack and the message itself, in either order: both are queued as the publish completes
            Map<String, JsonObject> byType = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                JsonObject f = ws.next();
                byType.put(f.getString("type"), f);
            }
            assertThat(byType.keySet()).containsExactlyInAnyOrder("ack", "message");
            assertThat(byType.get("ack").getString("ref")).isEqualTo("r");
            assertThat(byType.get("message").getJsonObject("data").getInt("n")).isEqualTo(2);
            assertThat(byType.get("message").getString("id")).isEqualTo(byType.get("ack").getString("id"));
        }
    }

    @Test
    void theEndpointsOwnCheckRefusesWithTheProtocolsErrorFrame() throws Exception {
        try (Wire.Ws ws = Wire.wsAt(app.app("/live?channel=" + channel()), null)) {
            JsonObject error = ws.next("error");
            assertThat(error.getString("code")).isEqualTo("forbidden");
            assertThat(error.getString("message")).isEqualTo("show your key");
            assertThat(ws.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void theLibrarysChecksStillRunBehindTheEndpointsOwn() throws Exception {
        try (Wire.Ws ws = Wire.wsAt(app.app("/live?key=open-sesame&channel=" + Wire.enc("no spaces")), null)) {
            assertThat(ws.next("error").getString("code")).isEqualTo("invalid_channel");
            assertThat(ws.awaitClose()).isEqualTo(1008);
        }
        try (Wire.Ws ws = Wire.wsAt(app.app("/live?key=open-sesame&channel=" + channel()), EVIL)) {
            assertThat(ws.next("error").getString("code")).isEqualTo("forbidden");
            assertThat(ws.awaitClose()).isEqualTo(1008);
        }
    }

    /** web.xml's RealtimeBootstrap, the jar's web-fragment and the application's own listener: one engine, ready at start-up. */
    @Test
    void realtimeStartedThreeTimesOverRunsOneEngine() throws Exception {
        HttpResponse<String> probe = app.send(HttpRequest.newBuilder(app.app("/probe/engines")));
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        assertThat(Wire.json(probe.body()).getInt("engines")).isEqualTo(1);
        assertThat(Wire.json(probe.body()).getBoolean("realtimeAtInit")).isTrue();
        assertThat(server.logCount("realtime is already started in this application")).as("a second bootstrap said it did nothing")
                .isGreaterThanOrEqualTo(1);
        String a = "app-" + channel();
        try (Wire.Ws ws = app.ws("?channel=" + a, null)) {
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo(a);
            assertThat(app.publish(a, "{\"once\":true}", null).statusCode()).isEqualTo(202);
            assertThat(ws.next("message").getJsonObject("data").getBoolean("once")).isTrue();
        }
    }

    /**
     * The outbound queue bound holds whatever the container buffers: a WebSocket and an SSE reader
     * that stop reading while 24 MiB are published (the queue holds 1 MiB at /app, the sockets a few)
     * are dropped after an unbroken prefix, never buffered whole, and every publish is accepted.
     */
    @Test
    void readersThatStopReadingAreDroppedNotBufferedWithoutBound() throws Exception {
        String a = channel();
        String pad = "x".repeat(60 * 1024);
        int count = 400;
        try (SlowWs ws = new SlowWs(app.uri("/ws?channel=" + a)); Wire.Sse sse = app.sse("?channel=" + a)) {
            assertThat(Wire.json(ws.read().text()).getString("type")).isEqualTo("subscribed");
            assertThat(sse.nextLine()).startsWith("retry:");
            sse.hold();
            for (int i = 0; i < count; i++) {
                HttpResponse<String> r = app.publish(a, "{\"i\":" + i + ",\"pad\":\"" + pad + "\"}", null);
                assertThat(r.statusCode()).as("publish " + i + ": " + r.body()).isEqualTo(202);
            }
            List<Integer> seen = new ArrayList<>();
            Integer closeCode = null;
            try {
                for (SlowWs.Frame f = ws.read(); ; f = ws.read()) {
                    if (f.opcode() == SlowWs.CLOSE) {
                        closeCode = f.closeCode();
                        break;
                    }
                    if (f.opcode() == SlowWs.TEXT) {
                        JsonObject m = Wire.json(f.text());
                        assertThat(m.getString("type")).isEqualTo("message");
                        seen.add(m.getJsonObject("data").getInt("i"));
                    }
                }
            } catch (java.io.EOFException e) {
                // closed without a close frame: allowed when the socket was wedged
            }
            assertThat(seen).as("the slow WebSocket's unbroken prefix").isEqualTo(java.util.stream.IntStream.range(0, seen.size()).boxed().toList());
            assertThat(seen.size()).as("messages the slow WebSocket got of " + count).isLessThan(count);
            if (closeCode != null) {
                assertThat(closeCode).as("slow consumer close code").isEqualTo(1008);
            }

            sse.resume();
            List<Integer> sseSeen = new ArrayList<>();
            for (String line = sse.nextLine(); !line.equals(Wire.Sse.END); line = sse.nextLine()) {
                if (line.startsWith("data: ")) {
                    sseSeen.add(Wire.json(line.substring(6)).getJsonObject("data").getInt("i"));
                }
            }
            assertThat(sseSeen).as("the slow SSE reader's unbroken prefix").isEqualTo(java.util.stream.IntStream.range(0, sseSeen.size()).boxed().toList());
            assertThat(sseSeen.size()).as("events the slow SSE reader got of " + count).isLessThan(count);
            assertThat(sse.ended()).as("the slow SSE stream was ended by the server").isTrue();
        }
    }
}
