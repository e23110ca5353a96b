package dev.realtime.it.transport;

import dev.realtime.internal.Cursor;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21, item 1: a resume over several channels replays them one after the other; every cursor
 * handed out meanwhile must still cover every channel of the connection (the position delivered, or
 * where a channel not yet replayed starts), so a connection that drops after the first replayed
 * message resumes without losing the other channels' backlog.
 */
@ExtendWith(ArquillianExtension.class)
class ReplayCursorIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("replaycursor", Map.of());
    }

    @ArquillianResource
    URL base;
    Http http;
    List<String> channels;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        String run = UUID.randomUUID().toString();
        channels = List.of("a:" + run, "b:" + run, "c:" + run);
    }

    /** A cursor for all three channels, then 3 messages on each: a/1..3, b/1..3, c/1..3. */
    String cursorBeforeNineMessages() {
        JsonObject answer = Http.json(http.get("/realtime/poll?" + query() + "&timeout=0"));
        String cursor = answer.getString("cursor");
        for (String channel : channels) {
            for (int i = 1; i <= 3; i++) {
                assertThat(http.publish(channel, "{\"n\":" + i + "}").statusCode()).isEqualTo(202);
            }
        }
        return cursor;
    }

    String query() {
        StringBuilder q = new StringBuilder();
        for (String c : channels) {
            q.append(q.isEmpty() ? "" : "&").append("channel=").append(enc(c));
        }
        return q.toString();
    }

    void assertCoversEveryChannel(String cursor) {
        Cursor decoded = Cursor.decode(cursor);
        for (String channel : channels) {
            assertThat(decoded.positionOf(channel)).as("the cursor %s covers %s", cursor, channel).isGreaterThanOrEqualTo(0);
        }
    }

    static void skipRetry(SseClient sse) throws InterruptedException {
        assertThat(sse.nextLine()).startsWith("retry:");
        assertThat(sse.nextLine()).isEmpty();
    }

    static String tag(JsonObject message) {
        return message.getString("channel").substring(0, 1) + "/" + message.getJsonObject("data").getInt("n");
    }

    @Test
    void sseResumeFromTheFirstReplayedEventLosesNothing() throws Exception {
        String cursor = cursorBeforeNineMessages();
        String firstId;
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?" + query() + "&since=" + enc(cursor)), null)) {
            skipRetry(sse);
            List<String> first = sse.nextEvent();
            assertThat(tag(Http.json(SseClient.field(first, "data")))).isEqualTo("a/1");
            firstId = SseClient.field(first, "id");
        } // the stream drops right after the first event
        assertCoversEveryChannel(firstId);

        List<String> got = new ArrayList<>();
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?" + query()), firstId)) {
            skipRetry(sse);
            while (got.size() < 8) {
                List<String> event = sse.nextEvent();
                assertThat(SseClient.field(event, "event")).as("no gap: everything is still in history").isNull();
                got.add(tag(Http.json(SseClient.field(event, "data"))));
                assertCoversEveryChannel(SseClient.field(event, "id"));
            }
        }
        assertThat(got).containsExactly("a/2", "a/3", "b/1", "b/2", "b/3", "c/1", "c/2", "c/3");
    }

    @Test
    void webSocketResumeFromTheFirstReplayedMessageLosesNothing() {
        String cursor = cursorBeforeNineMessages();
        String firstCursor;
        try (WsClient ws = new WsClient(http.ws("?" + query() + "&since=" + enc(cursor)))) {
            for (int i = 0; i < 3; i++) { // every channel is live before any replay
                assertCoversEveryChannel(ws.next("subscribed").getString("cursor"));
            }
            JsonObject first = ws.next("message");
            assertThat(tag(first)).isEqualTo("a/1");
            firstCursor = first.getString("cursor");
        } // the socket drops right after the first message
        assertCoversEveryChannel(firstCursor);

        List<String> got = new ArrayList<>();
        try (WsClient ws = new WsClient(http.ws("?" + query() + "&since=" + enc(firstCursor)))) {
            while (got.size() < 8) {
                JsonObject frame = ws.next();
                String type = frame.getString("type");
                assertThat(type).as("no gap: everything is still in history").isIn("subscribed", "message");
                assertCoversEveryChannel(frame.getString("cursor"));
                if (type.equals("message")) {
                    got.add(tag(frame));
                }
            }
        }
        assertThat(got).containsExactly("a/2", "a/3", "b/1", "b/2", "b/3", "c/1", "c/2", "c/3");
    }
}
