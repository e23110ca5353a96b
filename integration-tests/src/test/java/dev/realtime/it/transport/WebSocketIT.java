package dev.realtime.it.transport;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.ErrorAssert.handshakeRefusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(ArquillianExtension.class)
class WebSocketIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("ws", Map.of("realtime.message.maxSize", "1000", "realtime.ws.maxFrameSize", "4096"));
    }

    @ArquillianResource
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        channel = "ws:" + UUID.randomUUID();
    }

    URI ws(String query) {
        return http.ws(query);
    }

    @Test
    void subscribePublishAckAndDeliverInOrder() {
        try (WsClient c = new WsClient(ws(""))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"ref\":\"s1\"}");
            JsonObject subscribed = c.next("subscribed");
            assertThat(subscribed.getString("channel")).isEqualTo(channel);
            assertThat(subscribed.getString("ref")).isEqualTo("s1");

            for (int i = 1; i <= 20; i++) {
                c.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":" + i + ",\"ref\":\"p" + i + "\"}");
            }
            int expected = 1;
            int acks = 0;
            while (expected <= 20 || acks < 20) {
                JsonObject f = c.next();
                switch (f.getString("type")) {
                    case "message" -> {
                        assertThat(f.getInt("data")).isEqualTo(expected++);
                        assertThat(f.getString("cursor")).isNotBlank();
                        assertThat(f.getString("channel")).isEqualTo(channel);
                    }
                    case "ack" -> {
                        acks++;
                        assertThat(f.getString("ref")).isEqualTo("p" + acks);
                        assertThat(f.getString("channel")).isEqualTo(channel);
                        assertThat(f.getString("id")).isNotBlank();
                    }
                    default -> throw new AssertionError("unexpected " + f);
                }
            }
        }
    }

    @Test
    void connectTimeChannelsAndResumeAfterDisconnect() throws Exception {
        String cursor;
        try (WsClient c = new WsClient(ws("?channel=" + enc(channel)))) {
            assertThat(c.next("subscribed").getString("channel")).isEqualTo(channel);
            http.publish(channel, "1");
            cursor = c.next("message").getString("cursor");
        }
        http.publish(channel, "2");
        http.publish(channel, "3");
        try (WsClient c = new WsClient(ws("?channel=" + enc(channel) + "&since=" + enc(cursor)))) {
            c.next("subscribed");
            assertThat(c.next("message").getInt("data")).isEqualTo(2);
            assertThat(c.next("message").getInt("data")).isEqualTo(3);
            assertThat(c.drain(Duration.ofMillis(300))).as("no duplicates").isEmpty();
        }
    }

    @Test
    void subscribedFrameCarriesACursorThatResumesBeforeAnyMessage() throws Exception {
        String cursor;
        try (WsClient c = new WsClient(ws(""))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
            cursor = c.next("subscribed").getString("cursor");
        }
        http.publish(channel, "1");
        try (WsClient c = new WsClient(ws("?channel=" + enc(channel) + "&since=" + enc(cursor)))) {
            c.next("subscribed");
            assertThat(c.next("message").getInt("data")).as("published after the drop, before any message arrived").isEqualTo(1);
        }
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        try (WsClient c = new WsClient(ws("?channel=" + enc(channel)))) {
            c.next("subscribed");
            c.send("{\"type\":\"unsubscribe\",\"channel\":\"" + channel + "\"}");
            c.next("unsubscribed");
            http.publish(channel, "1");
            c.send("{\"type\":\"ping\",\"ref\":7}");
            JsonObject pong = c.next("pong");
            assertThat(pong.getInt("ref")).isEqualTo(7);
            assertThat(c.drain(Duration.ofMillis(200))).isEmpty();
        }
    }

    @Test
    void malformedFramesGetErrorFramesAndTheConnectionStaysOpen() throws Exception {
        try (WsClient c = new WsClient(ws(""))) {
            c.send("not json");
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_json");
            c.send("[1,2]");
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_frame");
            c.send("{\"type\":\"dance\",\"ref\":\"r9\"}");
            JsonObject unknown = c.next("error");
            assertThat(unknown.getString("code")).isEqualTo("invalid_frame");
            assertThat(unknown.getString("ref")).isEqualTo("r9");
            c.send("{\"type\":\"publish\",\"channel\":\"a\"}");
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_frame");
            c.send("{\"type\":\"subscribe\",\"channel\":\"bad channel\"}");
            JsonObject bad = c.next("error");
            assertThat(bad.getString("code")).isEqualTo("invalid_channel");
            assertThat(bad.getString("channel")).isEqualTo("bad channel");
            c.send("{\"type\":\"publish\",\"channel\":\"a\",\"event\":\"gap\",\"data\":1}");
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_event");
            c.send("{\"type\":\"subscribe\",\"channel\":\"a\",\"since\":\"garbage\"}");
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_cursor");
            c.send("{\"type\":\"publish\",\"channel\":\"a\",\"data\":\"" + "x".repeat(1200) + "\"}");
            assertThat(c.next("error").getString("code")).isEqualTo("payload_too_large");
            c.socket.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).join();
            assertThat(c.next("error").getString("code")).isEqualTo("invalid_frame");
            // still open and working
            c.send("{\"type\":\"ping\"}");
            c.next("pong");
        }
    }

    @Test
    void tooManyChannelsIsAnErrorFrame() {
        try (WsClient c = new WsClient(ws(""))) {
            for (int i = 0; i < 64; i++) {
                c.send("{\"type\":\"subscribe\",\"channel\":\"c" + i + "\"}");
                c.next("subscribed");
            }
            c.send("{\"type\":\"subscribe\",\"channel\":\"c0\"}");
            c.next("subscribed"); // the same channel again counts once
            c.send("{\"type\":\"subscribe\",\"channel\":\"c64\"}");
            assertThat(c.next("error").getString("code")).isEqualTo("too_many_channels");
        }
    }

    @Test
    void oversizedFrameClosesWith1009() throws Exception {
        try (WsClient c = new WsClient(ws(""))) {
            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
            assertThat(c.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void invalidConnectTimeChannelRefusesTheHandshakeWithTheHttpError() {
        HttpResponse<String> refused = handshakeRefusal(() -> new WsClient(ws("?channel=" + enc("bad channel"))));
        assertError(refused, 400, "invalid_channel");
        assertError(handshakeRefusal(() -> new WsClient(ws("?channel=a&since=nonsense"))), 400, "invalid_cursor");
        assertError(http.get("/realtime/ws?channel=a"), 426, "upgrade_required");
    }

    @Test
    void crossOriginHandshakeIsForbidden() {
        assertError(handshakeRefusal(() -> new WsClient(ws("?channel=a"), "http://evil.example")), 403, "forbidden");
        try (WsClient same = new WsClient(ws("?channel=a"), "http://" + base.getHost() + ":" + base.getPort())) {
            same.next("subscribed");
        }
    }

    @Test
    void droppedConnectionIsClosedGoingAwayAndResumesWithNothingLost() throws Exception {
        String cursor;
        try (WsClient c = new WsClient(ws("?channel=" + enc(channel)))) {
            c.next("subscribed");
            http.publish(channel, "1");
            cursor = c.next("message").getString("cursor");
            http.send(java.net.http.HttpRequest.newBuilder(http.uri("/test/drop")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
            assertThat(c.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        }
        http.publish(channel, "2");
        try (WsClient c = new WsClient(ws(""))) {
            c.send("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\",\"since\":\"" + cursor + "\"}");
            c.next("subscribed");
            assertThat(c.next("message").getInt("data")).isEqualTo(2);
            List<JsonObject> rest = c.drain(Duration.ofMillis(200));
            assertThat(rest).isEmpty();
        }
    }
}
