package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtime.client.Message;
import dev.realtime.testing.ProtocolFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Java client keeps the protocol's vocabulary as the shared fixtures state it (names.json,
 * errors.json, frames.json in realtime-test-support); the server's and the JavaScript client's
 * tests read the same files.
 */
class ProtocolVocabularyTest {

    @Test
    void namesFollowTheFixtures() {
        checkNames("channel", Names::channel);
        checkNames("event", Names::event);
        checkNames("idempotencyKey", Names::idempotencyKey);
        for (String reserved : strings(fixture("names.json").getJsonObject("event"), "reserved")) {
            assertThatThrownBy(() -> Names.event(reserved)).as(reserved).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theProtocolCodesTheClientUsesAreTheProtocolsAndItsOwnAreNot() {
        JsonObject statuses = fixture("errors.json").getJsonObject("statuses");
        assertThat(statuses.keySet()).contains(ErrorCodes.INVALID_CHANNEL, ErrorCodes.INVALID_EVENT, ErrorCodes.INVALID_JSON,
                ErrorCodes.INVALID_CURSOR, ErrorCodes.INVALID_IDEMPOTENCY_KEY, ErrorCodes.INVALID_FRAME);
        assertThat(statuses.keySet()).doesNotContain(ErrorCodes.CLOSED, ErrorCodes.UNAVAILABLE, ErrorCodes.HTTP_ERROR, ErrorCodes.ERROR);
    }

    @Test
    void theFramesTheClientSendsAreTheSamples() {
        JsonObject samples = fixture("frames.json").getJsonObject("client");
        String cursor = samples.getJsonObject("subscribe").getString("since");
        assertThat(json(Frames.subscribe("room:42", cursor))).isEqualTo(samples.get("subscribe"));
        assertThat(json(Frames.subscribe("room:42", null))).isEqualTo(samples.get("subscribeNow"));
        assertThat(json(Frames.unsubscribe("room:42"))).isEqualTo(samples.get("unsubscribe"));
        assertThat(json(Frames.publish("p1", "room:42", "chat", "key-1", "{\"text\":\"hi\"}"))).isEqualTo(samples.get("publish"));
        assertThat(json(Frames.ping())).isEqualTo(samples.get("ping"));
    }

    /** Each sample server frame reaches the engine as the event its expectation implies. */
    @Test
    void theFramesTheServerSendsAreReadAsTheSamplesSay() {
        for (Map.Entry<String, JsonValue> sample : fixture("frames.json").getJsonObject("server").entrySet()) {
            JsonObject frame = sample.getValue().asJsonObject().getJsonObject("frame");
            JsonObject expect = sample.getValue().asJsonObject().getJsonObject("client");
            Recording events = new Recording();
            ServerFrames.dispatch(frame.toString(), events);
            String name = sample.getKey();
            if (expect.getBoolean("deliver")) {
                assertThat(events.messages).as(name).singleElement().satisfies(m -> {
                    assertThat(m.channel()).isEqualTo(frame.getString("channel"));
                    assertThat(m.id()).isEqualTo(frame.getString("id"));
                    assertThat(m.event()).isEqualTo(frame.getString("event"));
                    assertThat(json(m.data())).isEqualTo(frame.get("data"));
                    assertThat(m.ts()).isEqualTo(frame.getJsonNumber("ts").longValue());
                });
                assertThat(events.cursors).as(name).containsExactly(frame.getString("cursor"));
            } else {
                assertThat(events.messages).as(name).isEmpty();
            }
            assertThat(events.gaps).as(name).isEqualTo(expect.getBoolean("gap") ? List.of(frame.getString("channel")) : List.of());
            assertThat(events.errorCodes).as(name).isEqualTo(expect.isNull("error") ? List.of() : List.of(expect.getString("error")));
            assertThat(events.failures).as(name).isEmpty();
        }
    }

    @Test
    void aFrameThatIsNotJsonFailsTheConnectionAsInvalidFrame() {
        Recording events = new Recording();
        ServerFrames.dispatch("{not json", events);
        assertThat(events.failures).singleElement().asString().contains(ErrorCodes.INVALID_FRAME);
    }

    private static void checkNames(String kind, Function<String, String> check) {
        JsonObject rules = fixture("names.json").getJsonObject(kind);
        int max = rules.getInt("maxLength");
        List<String> valid = new ArrayList<>(strings(rules, "valid"));
        valid.add("a".repeat(max));
        List<String> invalid = new ArrayList<>(strings(rules, "invalid"));
        invalid.add("a".repeat(max + 1));
        for (String name : valid) {
            assertThat(check.apply(name)).as(kind + " '" + name + "'").isEqualTo(name);
        }
        for (String name : invalid) {
            assertThatThrownBy(() -> check.apply(name)).as(kind + " '" + name + "'").isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static JsonValue json(String text) {
        return Json.createReader(new StringReader(text)).readValue();
    }

    private static JsonObject fixture(String name) {
        return json(ProtocolFixtures.read(name)).asJsonObject();
    }

    /** Records what the frame reader reports; recorded, never mocked. */
    private static final class Recording implements TransportEvents {
        final List<Message> messages = new ArrayList<>();
        final List<String> cursors = new ArrayList<>();
        final List<String> gaps = new ArrayList<>();
        final List<String> errorCodes = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();

        @Override public void opened() {}
        @Override public void subscribed(String channel, String cursor) {}
        @Override public void message(Message message, String cursor) { messages.add(message); cursors.add(cursor); }
        @Override public void gap(String channel) { gaps.add(channel); }
        @Override public void cursor(String cursor) {}
        @Override public void batch(List<String> gaps, List<Message> messages, String cursor) {}
        @Override public void ack(String ref, String channel, String id) {}
        @Override public void frameError(String ref, String channel, String code, String message) { errorCodes.add(code); }
        @Override public void activity() {}
        @Override public void failed(Throwable cause, boolean refused) { failures.add(cause); }
    }
}
