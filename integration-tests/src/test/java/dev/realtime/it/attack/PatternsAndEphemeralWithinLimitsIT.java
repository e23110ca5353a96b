package dev.realtime.it.attack;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.PublishLoop;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wildcard subscriptions and ephemeral messages pushed against the other limits: patterns count
 * towards the channel limit like channels; a channel subscribed by name and by pattern at once,
 * toggled between the two while messages flow, receives each message exactly once; ephemeral
 * publishes are held to the publish rate like durable ones, over WebSocket and HTTP, and so are
 * presence changes and member lists, which fan out to every watcher or read the bus.
 */
@ExtendWith(ArquillianExtension.class)
class PatternsAndEphemeralWithinLimitsIT {
    static final int RATE = 150;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("patterns-ephemeral", Map.of(
                "realtime.channels.max", "4",
                "realtime.publish.rate", Integer.toString(RATE)));
    }

    @ArquillianResource
    URL base;
    Http http;
    String prefix;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        prefix = "room:" + UUID.randomUUID();
    }

    static String subscribe(String channel) {
        return "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}";
    }

    static String unsubscribe(String channel) {
        return "{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}";
    }

    @Test
    void patternsCountTowardsTheChannelLimitLikeChannels() {
        try (WsClient ws = new WsClient(http.ws("?v=1.1&channel=" + enc(prefix + ":named")))) {
            ws.next("subscribed");
            for (String p : List.of(prefix + ":*", prefix + ":**", prefix + ":x:*")) {
                ws.send(subscribe(p)).next("subscribed");
            }
            ws.send(subscribe(prefix + ":*")).next("subscribed"); // the same pattern again counts once
            assertThat(ws.send(subscribe(prefix + ":y:*")).next("error").getString("code")).isEqualTo("too_many_channels");
            assertThat(ws.send(subscribe(prefix + ":other")).next("error").getString("code")).isEqualTo("too_many_channels");
            ws.send(unsubscribe(prefix + ":x:*")).next("unsubscribed");
            ws.send(subscribe(prefix + ":y:*")).next("subscribed");
        }
        HttpResponse<String> poll = http.get("/realtime/poll?v=1.1&timeout=0" + IntStream.range(0, 5)
                .mapToObj(i -> "&channel=" + enc(prefix + ":" + i + ":*")).reduce("", String::concat));
        assertThat(poll.statusCode()).isEqualTo(400);
        assertThat(poll.body()).contains("too_many_channels");
    }

    /**
     * The subscriber toggles one channel between "by name", "by name and by pattern" and "by pattern"
     * (never neither) as fast as it can while it is published to: every message comes once, in order.
     */
    @Test
    void aChannelToggledBetweenNameAndPatternWhileMessagesFlowGetsEachMessageExactlyOnce() throws Exception {
        String channel = prefix + ":a";
        String pattern = prefix + ":*";
        int messages = 300;
        try (WsClient ws = new WsClient(http.ws("?v=1.1&channel=" + enc(channel)))) {
            ws.next("subscribed");
            PublishLoop publishing = PublishLoop.start(http, messages, 8, channel);
            List<String> cycle = List.of(subscribe(pattern), unsubscribe(channel), subscribe(channel), unsubscribe(pattern));
            int toggles = 0;
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(messages * 8L);
            while (System.nanoTime() < until) { // about as long as the publishing
                ws.send(cycle.get(toggles++ % cycle.size()));
                Thread.sleep(3);
            }
            while (toggles % cycle.size() != 0) { // back to "by name only"
                ws.send(cycle.get(toggles++ % cycle.size()));
            }
            publishing.join();
            assertThat(publishing.failure()).isNull();
            List<Integer> seen = new ArrayList<>();
            Map<String, Integer> answers = new HashMap<>();
            long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen.size() < messages && System.nanoTime() < quiet) {
                for (JsonObject f : ws.drain(Duration.ofMillis(200))) {
                    answers.merge(f.getString("type"), 1, Integer::sum);
                    if ("message".equals(f.getString("type"))) {
                        assertThat(f.getString("channel")).isEqualTo(channel);
                        seen.add(f.getJsonObject("data").getInt("n"));
                    } else {
                        assertThat(f.getString("type")).as(f.toString()).isIn("subscribed", "unsubscribed");
                    }
                }
            }
            assertThat(ws.drain(Duration.ofMillis(300))).as("nothing after the last message").isEmpty();
            assertThat(seen).as("each message once, in order, across " + toggles + " toggles " + answers)
                    .isEqualTo(IntStream.range(0, messages).boxed().toList());
        }
    }

    @Test
    void ephemeralPublishesAreHeldToThePublishRateOverWebSocketAndHttp() throws Exception {
        String channel = prefix + ":typing";
        try (WsClient ws = new WsClient(http.ws("?v=1.1"))) {
            for (int i = 0; i < 3 * RATE; i++) {
                ws.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":" + i + ",\"ephemeral\":true}");
            }
            int acks = 0;
            int refused = 0;
            for (JsonObject f : ws.drain(Duration.ofSeconds(2))) {
                if ("ack".equals(f.getString("type"))) {
                    assertThat(f.getBoolean("ephemeral")).isTrue();
                    acks++;
                } else {
                    assertThat(f.getString("code")).isEqualTo("rate_limited");
                    refused++;
                }
            }
            assertThat(refused).as("ephemeral publishes over the rate, over WebSocket (" + acks + " acknowledged)").isPositive();
            assertThat(acks).isLessThan(3 * RATE);
        }
        int accepted = 0;
        int limited = 0;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 3 * RATE; i++) { // at once: far over the rate whatever the machine's speed
            sent.add(http.client.sendAsync(HttpRequest.newBuilder(http.uri("/realtime/publish?ephemeral=true&channel=" + enc(channel)))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Integer.toString(i))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : sent) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isIn(202, 429);
            if (r.statusCode() == 202) {
                accepted++;
            } else {
                assertThat(r.body()).contains("rate_limited");
                limited++;
            }
        }
        assertThat(limited).as("ephemeral publishes over the rate, over HTTP (" + accepted + " accepted)").isPositive();
    }

    @Test
    void presenceChangesAndMemberListsAreHeldToThePublishRate() throws Exception {
        String channel = prefix + ":lobby";
        try (WsClient watcher = new WsClient(http.ws("?v=1.1"));
             WsClient flapper = new WsClient(http.ws("?v=1.1"))) {
            watcher.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"presence\":true}");
            watcher.next("subscribed");
            for (int i = 0; i < 3 * RATE; i++) { // join, leave, members in turn, at once: far over the rate
                String type = i % 3 == 0 ? "join" : i % 3 == 1 ? "leave" : "members";
                flapper.send("{\"type\":\"" + type + "\",\"channel\":\"" + channel + "\",\"member\":\"m\",\"ref\":" + i + "}");
            }
            int answered = 0;
            int refused = 0;
            for (JsonObject f : flapper.drain(Duration.ofSeconds(2))) {
                if ("error".equals(f.getString("type"))) {
                    assertThat(f.getString("code")).isEqualTo("rate_limited");
                    refused++;
                } else {
                    assertThat(f.getString("type")).isIn("joined", "left", "members");
                    answered++;
                }
            }
            assertThat(refused).as("presence frames over the rate (" + answered + " answered)").isPositive();
            // the bucket holds RATE and refills while the burst is read; 20 refusals in a row end it
            assertThat(answered).isLessThan(2 * RATE);
            assertThat(flapper.closeCode.get(5, TimeUnit.SECONDS)).as("far over the rate: closed like a publisher").isEqualTo(1008);
            long changes = watcher.drain(Duration.ofMillis(500)).stream()
                    .filter(f -> "presence".equals(f.getString("type"))).count();
            assertThat(changes).as("the watcher heard only the changes that were let through").isLessThanOrEqualTo(answered);
        }
        int listed = 0;
        int limited = 0;
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 3 * RATE; i++) {
            sent.add(http.client.sendAsync(HttpRequest.newBuilder(http.uri("/realtime/presence?channel=" + enc(channel))).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var f : sent) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 429);
            if (r.statusCode() == 200) {
                listed++;
            } else {
                assertThat(r.body()).contains("rate_limited");
                limited++;
            }
        }
        assertThat(limited).as("member lists over the rate, over HTTP (" + listed + " answered)").isPositive();
    }
}
