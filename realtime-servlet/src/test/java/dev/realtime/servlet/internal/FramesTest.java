package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.internal.Outbound;
import dev.realtime.spi.Published;
import dev.realtime.testing.ProtocolFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's WebSocket frames are the samples of the shared fixture frames.json, which the Java
 * and JavaScript clients' tests feed to their clients.
 */
class FramesTest {
    private final JsonObject samples = json(ProtocolFixtures.read("frames.json")).asJsonObject().getJsonObject("server");

    @Test
    void aDeliveryIsAMessageFrameWithTheCursorAndTheMessagesFields() {
        JsonObject sample = frame("message");
        Message m = new Message(sample.getString("channel"), Long.parseLong(sample.getString("id")), sample.getString("event"),
                sample.get("data").toString(), sample.getJsonNumber("ts").longValue());
        assertThat(json(Frames.encode(new Outbound.Delivery(m, sample.getString("cursor"), true)))).isEqualTo(sample);
    }

    @Test
    void aGapIsAGapFrame() {
        assertThat(json(Frames.encode(new Outbound.Gap("room:42")))).isEqualTo(frame("gap"));
    }

    @Test
    void controlFramesAreTheSamples() {
        JsonObject subscribed = frame("subscribed");
        assertThat(json(Frames.subscribed("room:42", subscribed.get("ref"), subscribed.getString("cursor")))).isEqualTo(subscribed);
        assertThat(json(Frames.unsubscribed("room:42", frame("unsubscribed").get("ref")))).isEqualTo(frame("unsubscribed"));
        assertThat(json(Frames.ack(new Published("room:42", 35, false), frame("ack").get("ref")))).isEqualTo(frame("ack"));
        assertThat(json(Frames.pong(frame("pong").get("ref")))).isEqualTo(frame("pong"));
    }

    @Test
    void errorFramesCarryTheCodeTheMessageAndWhatTheyAnswer() {
        JsonObject error = frame("error");
        assertThat(json(Frames.error(ErrorCode.INVALID_FRAME, error.getString("message"), error.get("ref"), null))).isEqualTo(error);
        JsonObject cursor = frame("invalidCursor");
        assertThat(json(Frames.error(ErrorCode.INVALID_CURSOR, cursor.getString("message"), null, "room:42"))).isEqualTo(cursor);
    }

    @Test
    void aControlItemIsSentAsItsText() {
        assertThat(Frames.encode(new Outbound.Control("{\"type\":\"pong\"}"))).isEqualTo("{\"type\":\"pong\"}");
    }

    @Test
    void textFromClientsCannotBreakOutOfItsString() {
        String evil = "\"},{\"type\":\"message\u2028\n";
        JsonObject frame = json(Frames.error(ErrorCode.INVALID_FRAME, evil, null, evil)).asJsonObject();
        assertThat(frame.getString("message")).isEqualTo(evil);
        assertThat(frame.getString("channel")).isEqualTo(evil);
        assertThat(frame.keySet()).containsExactly("type", "code", "message", "channel");
    }

    private JsonObject frame(String name) {
        return samples.getJsonObject(name).getJsonObject("frame");
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }
}
