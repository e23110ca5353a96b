package dev.realtime.containers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container that offers no WebSocket at all: Jetty 12 without its {@code ee10-websocket-jakarta}
 * module. The library says so once at start-up, answers {@code /ws} with the protocol's error (so
 * clients fall back), and serves SSE, long-polling and publishing as everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty12WithoutWebSocketIT {
    private final Server server = Servers.jetty("jetty12nows", "jetty12", "jetty-home-12.1.5", "http,ee10-deploy,ee10-annotations");
    private Wire wire;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(ProtocolChecks.selected(server.name), server.name + " is not in containers=" + System.getProperty("containers"));
        server.start(List.of(new App("", TestApps.SAMPLE)));
        wire = new Wire(server.base(), "");
    }

    @AfterAll
    void stopAndReadTheLog() throws Exception {
        server.stop();
        if (ProtocolChecks.selected(server.name)) {
            assertThat(server.libraryTrouble()).as("library stack traces or warnings in " + server.name + "'s log").isEmpty();
        }
    }

    @Test
    void saysSoOnceAndTheOtherTransportsServe() throws Exception {
        assertThat(server.logCount("realtime serves SSE and long-polling")).isEqualTo(1);
        try (Wire.Ws ws = wire.ws("?channel=a", null)) {
            assertThat(ws.refusal).as("the handshake is refused").isNotNull();
            ProtocolChecks.assertRefused(ws, 404, "not_found", 0);
        }
        String channel = "nows-" + System.nanoTime();
        String cursor = Wire.json(wire.get("/poll?channel=" + channel + "&timeout=0").body()).getString("cursor");
        try (Wire.Sse sse = wire.sse("?channel=" + channel)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            HttpResponse<String> published = wire.publish(channel, "{\"over\":\"http\"}", null);
            assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
            assertThat(sse.nextData().getJsonObject("data").getString("over")).isEqualTo("http");
        }
        HttpResponse<String> poll = wire.send(HttpRequest.newBuilder(wire.uri("/poll?channel=" + channel + "&since=" + Wire.enc(cursor) + "&timeout=0")));
        assertThat(Wire.json(poll.body()).getJsonArray("messages")).hasSize(1);
    }
}
