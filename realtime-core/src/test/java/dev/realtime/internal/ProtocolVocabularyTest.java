package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.testing.ProtocolFixtures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server keeps the protocol's vocabulary as the shared fixtures state it (names.json,
 * errors.json in realtime-test-support); the Java and JavaScript clients' tests read the same files.
 */
class ProtocolVocabularyTest {

    @Test
    void channelNamesFollowTheFixtures() {
        checkNames("channel", Names::channel, ErrorCode.INVALID_CHANNEL, ErrorCode.MISSING_CHANNEL);
    }

    @Test
    void eventNamesFollowTheFixtures() {
        checkNames("event", Names::event, ErrorCode.INVALID_EVENT);
        for (String reserved : strings(fixture("names.json").getJsonObject("event"), "reserved")) {
            assertThatThrownBy(() -> Names.event(reserved)).as(reserved)
                    .isInstanceOfSatisfying(RealtimeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENT));
        }
    }

    @Test
    void idempotencyKeysFollowTheFixtures() {
        checkNames("idempotencyKey", Names::idempotencyKey, ErrorCode.INVALID_IDEMPOTENCY_KEY);
    }

    @Test
    void errorCodesAndTheirStatusesAreExactlyTheFixtures() {
        Map<String, Integer> expected = fixture("errors.json").getJsonObject("statuses").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Integer.parseInt(e.getValue().toString())));
        Map<String, Integer> actual = Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::code, ErrorCode::status));
        assertThat(actual).isEqualTo(expected);
    }

    private static void checkNames(String kind, Function<String, String> check, ErrorCode... codes) {
        JsonObject rules = fixture("names.json").getJsonObject(kind);
        int max = rules.getInt("maxLength");
        List<String> valid = new java.util.ArrayList<>(strings(rules, "valid"));
        valid.add("a".repeat(max));
        List<String> invalid = new java.util.ArrayList<>(strings(rules, "invalid"));
        invalid.add("a".repeat(max + 1));
        for (String name : valid) {
            assertThat(check.apply(name)).as(kind + " '" + name + "'").isEqualTo(name);
        }
        for (String name : invalid) {
            assertThatThrownBy(() -> check.apply(name)).as(kind + " '" + name + "'")
                    .isInstanceOfSatisfying(RealtimeException.class, e -> assertThat(e.code()).isIn((Object[]) codes));
        }
    }

    private static List<String> strings(JsonObject o, String key) {
        return o.getJsonArray(key).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static JsonObject fixture(String name) {
        return Json.createReader(new StringReader(ProtocolFixtures.read(name))).readObject();
    }
}
