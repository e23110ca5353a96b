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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

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
    Wire wire;

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
        server.start(Path.of(System.getProperty("sample.war", "../sample-war/target/sample.war")).toAbsolutePath());
        wire = new Wire(server.base());
    }

    /** Stops the server, then reads everything it logged: no stack trace or warning caused by the library. */
    @AfterAll
    void stopAndReadTheLog() throws Exception {
        server.stop();
        if (!selected(server.name)) {
            return;
        }
        List<String> lines = server.logLines();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (LIBRARY_TROUBLE.matcher(lines.get(i)).find()) {
                bad.add(lines.get(Math.max(0, i - 1)) + "\n" + lines.get(i));
            }
        }
        assertThat(bad).as("library stack traces or warnings in " + server.name + "'s log (" + server.logFiles() + ")").isEmpty();
    }

    /** A stack frame in library code, a warning or error naming it, or the known container complaints about it. */
    private static final Pattern LIBRARY_TROUBLE = Pattern.compile(
            "^\\s+at dev\\.realtime\\.|(WARN|SEVERE|ERROR|WARNING).*dev\\.realtime|UT005088|WFLYEE0007");

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
}
