package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.protocol.JsonStrings;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTextTest {

    @Test
    void messageFramingIsTheProtocolObject() {
        Message m = new Message("room:42", 17, "message", "{\"text\":\"hi\"}", 1764300000123L);
        assertThat(m.toJson()).isEqualTo("{\"channel\":\"room:42\",\"id\":\"17\",\"event\":\"message\",\"data\":{\"text\":\"hi\"},\"ts\":1764300000123}");
        assertThat(m.jsonFields()).as("encoded once, shared").isSameAs(m.jsonFields());
        assertThat(Json.createReader(new StringReader(m.toJson())).readObject().getString("id")).isEqualTo("17");
    }

    @Test
    void stringsNeverCarryRawLineBreaksOrControlCharacters() {
        String quoted = JsonStrings.quote("a\r\nb\u0000c\"d\\e\u2028f\tg");
        assertThat(quoted).doesNotContain("\r", "\n", "\u0000", "\u2028");
        assertThat(Json.createReader(new StringReader("[" + quoted + "]")).readArray().getString(0)).isEqualTo("a\r\nb\u0000c\"d\\e\u2028f\tg");
    }

    @Test
    void compactDataHasNoLineBreaksAndKeepsItsValue() {
        String data = JsonText.compact(JsonText.parse("{\n  \"text\" : \"line\\nbreak\",\n  \"n\" : [1, 2.5, null, true]\n}"));
        assertThat(data).isEqualTo("{\"text\":\"line\\nbreak\",\"n\":[1,2.5,null,true]}");
        assertThat(JsonText.compact(JsonText.parse("null"))).isEqualTo("null");
        assertThat(JsonText.compact(JsonText.parse(" \"x\" "))).isEqualTo("\"x\"");
    }

    @Test
    void refusesInvalidTrailingAndDeepJson() {
        for (String bad : new String[]{"", "{", "{\"a\":}", "1 2", "[1,]", "nul", "[".repeat(100) + "]".repeat(100)}) {
            assertThatThrownBy(() -> JsonText.parse(bad), bad)
                    .isInstanceOf(RealtimeException.class)
                    .extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.INVALID_JSON);
        }
        assertThat(JsonText.parse("[".repeat(60) + "]".repeat(60))).isNotNull();
        assertThat(JsonText.parse("\"[[[[[[\"")).as("brackets inside strings do not count").isNotNull();
    }

    @Test
    void namesFollowTheProtocol() {
        assertThat(Names.channel("room:42")).isEqualTo("room:42");
        assertThat(Names.channel("A-Z_a.z:0@9/x")).isNotNull();
        assertThat(Names.channel("x".repeat(128))).isNotNull();
        assertThatThrownBy(() -> Names.channel("x".repeat(129))).isInstanceOf(RealtimeException.class);
        assertThatThrownBy(() -> Names.channel("a b")).extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.INVALID_CHANNEL);
        assertThatThrownBy(() -> Names.channel("")).extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.MISSING_CHANNEL);
        assertThat(Names.event(null)).isEqualTo("message");
        assertThat(Names.event("Gap")).as("only the exact lower-case names are reserved").isEqualTo("Gap");
        for (String reserved : new String[]{"gap", "error", "open", "close", "heartbeat"}) {
            assertThatThrownBy(() -> Names.event(reserved)).extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.INVALID_EVENT);
        }
        assertThatThrownBy(() -> Names.event("a/b")).isInstanceOf(RealtimeException.class);
        assertThatThrownBy(() -> Names.idempotencyKey("")).extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.INVALID_IDEMPOTENCY_KEY);
        assertThat(Names.idempotencyKey(null)).isNull();
    }
}
