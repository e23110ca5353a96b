package dev.realtime.it.live;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ephemeral messages and wildcard subscriptions (protocol 1.1) over real connections on every
 * transport: live only, no id, no cursor, not for 1.0 connections; patterns deliver real channels,
 * authorize per channel, and resume across transports from a cursor.
 */
@ExtendWith(ArquillianExtension.class)
class EphemeralAndWildcardIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("live", Map.of("realtime.authorizer", NoSecrets.class.getName())).addClass(NoSecrets.class);
    }

    /** Channels ending in {@code :secret} may not be subscribed; {@code news:*} is read-only. */
    public static class NoSecrets implements dev.realtime.Authorizer {
        @Override
        public dev.realtime.ChannelAccess authorize(dev.realtime.AccessRequest request) {
            return dev.realtime.ChannelAccess.of(c -> !c.endsWith(":secret"), c -> !c.startsWith("news:"));
        }
    }

    @ArquillianResource
    URL base;
    Http http;
    String family;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        http = new Http(base);
        family = "f" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T c) {
        clients.add(c);
        return c;
    }

    HttpResponse<String> publish(String channel, String event, String json, boolean ephemeral) {
        return http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=" + enc(channel)
                        + (event == null ? "" : "&event=" + event) + (ephemeral ? "&ephemeral=true" : "")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Test
    void anEphemeralMessageReachesEveryOneOneConnectionLiveWithoutIdOrCursor() throws Exception {
        String ch = family + ":room";
        WsClient ws11 = track(new WsClient(http.ws("?v=1.1&channel=" + enc(ch))));
        ws11.next("subscribed");
        WsClient ws10 = track(new WsClient(http.ws("?channel=" + enc(ch))));
        ws10.next("subscribed");
        SseClient sse = track(new SseClient(http.uri("/realtime/sse?v=1.1&channel=" + enc(ch)), null));
        assertThat(sse.nextLine()).startsWith("retry:");
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(
                () -> http.get("/realtime/poll?v=1.1&timeout=10000&channel=" + enc(ch)));
        Thread.sleep(300); // the poll is held

        HttpResponse<String> ack = publish(ch, "typing", "{\"user\":\"ann\"}", true);
        assertThat(ack.statusCode()).isEqualTo(202);
        assertThat(Http.json(ack).getBoolean("ephemeral")).isTrue();
        assertThat(Http.json(ack).containsKey("id")).isFalse();
        publish(ch, null, "1", false);

        JsonObject overWs = ws11.next("message");
        assertThat(overWs.getBoolean("ephemeral")).isTrue();
        assertThat(overWs.containsKey("id")).isFalse();
        assertThat(overWs.containsKey("cursor")).isFalse();
        assertThat(overWs.getString("event")).isEqualTo("typing");
        assertThat(ws11.next("message").getString("id")).isNotBlank();

        List<String> event = sse.nextEvent();
        assertThat(SseClient.field(event, "id")).as("Last-Event-ID stays").isNull();
        assertThat(SseClient.field(event, "event")).isEqualTo("typing");
        assertThat(Http.json(SseClient.field(event, "data")).getBoolean("ephemeral")).isTrue();

        JsonObject answer = Http.json(poll.get(10, TimeUnit.SECONDS));
        assertThat(answer.getJsonArray("messages").getJsonObject(0).getBoolean("ephemeral")).isTrue();

        assertThat(ws10.next("message").getInt("data")).as("a 1.0 connection gets only the stored message").isEqualTo(1);

        JsonObject replay = Http.json(http.get("/realtime/poll?v=1.1&timeout=0&since=earliest&channel=" + enc(ch)));
        assertThat(replay.getJsonArray("messages")).as("never replayed").hasSize(1);
    }

    @Test
    void anEphemeralPublishOverWebSocketIsAcknowledgedWithoutId() {
        String ch = family + ":room";
        WsClient ws = track(new WsClient(http.ws("?v=1.1&channel=" + enc(ch))));
        ws.next("subscribed");
        ws.send("{\"type\":\"publish\",\"channel\":\"" + ch + "\",\"event\":\"typing\",\"data\":true,\"ephemeral\":true,\"ref\":7}");
        List<JsonObject> frames = List.of(ws.next(), ws.next());
        JsonObject ack = frames.stream().filter(f -> f.getString("type").equals("ack")).findFirst().orElseThrow();
        assertThat(ack.getBoolean("ephemeral")).isTrue();
        assertThat(ack.containsKey("id")).isFalse();
        assertThat(frames).anySatisfy(f -> assertThat(f.getString("type")).isEqualTo("message"));
        assertError(publish("news:x", null, "1", true), 403, "forbidden");
        assertError(http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=a&ephemeral=yes"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("1")).build()), 400, "invalid_frame");
    }

    @Test
    void aPatternDeliversItsChannelsOnEveryTransportWithTheirRealChannel() throws Exception {
        String pattern = family + ":*";
        WsClient ws = track(new WsClient(http.ws("?v=1.1")));
        ws.send("{\"type\":\"subscribe\",\"channel\":\"" + pattern + "\"}");
        assertThat(ws.next("subscribed").getString("channel")).isEqualTo(pattern);
        SseClient sse = track(new SseClient(http.uri("/realtime/sse?v=1.1&channel=" + enc(pattern)), null));
        assertThat(sse.nextLine()).startsWith("retry:");
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(
                () -> http.get("/realtime/poll?v=1.1&timeout=10000&channel=" + enc(pattern)));
        Thread.sleep(300);

        publish(family + ":a:deeper", null, "0", false);
        publish(family + ":a", null, "1", false);

        assertThat(ws.next("message").getString("channel")).isEqualTo(family + ":a");
        assertThat(Http.json(SseClient.field(sse.nextEvent(), "data")).getString("channel")).isEqualTo(family + ":a");
        JsonObject answer = Http.json(poll.get(10, TimeUnit.SECONDS));
        assertThat(answer.getJsonArray("messages")).hasSize(1);
        assertThat(answer.getJsonArray("messages").getJsonObject(0).getString("channel")).isEqualTo(family + ":a");

        assertError(http.get("/realtime/poll?timeout=0&channel=" + enc(pattern)), 400, "invalid_channel");
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&channel=" + enc(family + ":a*")), 400, "invalid_channel");
    }

    @Test
    void aPatternChecksEveryMatchedChannelWithTheAuthorizer() {
        WsClient ws = track(new WsClient(http.ws("?v=1.1&channel=" + enc(family + ":*"))));
        ws.next("subscribed");
        publish(family + ":secret", null, "0", false);
        publish(family + ":secret", "typing", "0", true);
        publish(family + ":open", null, "1", false);
        JsonObject m = ws.next("message");
        assertThat(m.getString("channel")).as("the secret channel's messages were skipped").isEqualTo(family + ":open");
        assertThat(m.getInt("data")).isEqualTo(1);
    }

    @Test
    void aPatternCursorFromWebSocketResumesOverLongPollingIncludingChannelsNewSinceThen() throws Exception {
        String pattern = family + ":**";
        String cursor;
        try (WsClient ws = new WsClient(http.ws("?v=1.1&channel=" + enc(pattern)))) {
            ws.next("subscribed");
            publish(family + ":a", null, "1", false);
            cursor = ws.next("message").getString("cursor");
        }
        publish(family + ":a", null, "2", false);
        publish(family + ":b:c", null, "3", false);
        JsonObject answer = Http.json(http.get("/realtime/poll?v=1.1&timeout=0&channel=" + enc(pattern) + "&since=" + enc(cursor)));
        assertThat(answer.getJsonArray("gaps")).isEmpty();
        assertThat(answer.getJsonArray("messages").stream().map(v -> v.asJsonObject().getString("channel") + "="
                + v.asJsonObject().get("data"))).containsExactlyInAnyOrder(family + ":a=2", family + ":b:c=3");

        publish(family + ":b:c", null, "4", false);
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?v=1.1&channel=" + enc(pattern)), answer.getString("cursor"))) {
            assertThat(sse.nextLine()).startsWith("retry:");
            assertThat(Http.json(SseClient.field(sse.nextEvent(), "data")).getInt("data")).isEqualTo(4);
        }
    }

    @Test
    void anEphemeralMessageReachesAPatternOnce() {
        WsClient ws = track(new WsClient(http.ws("?v=1.1&channel=" + enc(family + ":*") + "&channel=" + enc(family + ":**")
                + "&channel=" + enc(family + ":a"))));
        for (int i = 0; i < 3; i++) {
            ws.next("subscribed");
        }
        publish(family + ":a", "typing", "1", true);
        publish(family + ":b", "typing", "2", true);
        publish(family + ":c", null, "3", false);
        assertThat(List.of(ws.next("message"), ws.next("message"), ws.next("message")))
                .extracting(f -> f.getString("channel")).containsExactly(family + ":a", family + ":b", family + ":c");
        try {
            assertThat(ws.drain(Duration.ofMillis(300))).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
