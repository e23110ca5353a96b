package dev.realtime.client.internal;

import dev.realtime.client.Message;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/** The few JSON-P operations the client needs: reading frames and messages. */
final class Json {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private Json() {}

    /** Parses a JSON object; throws {@link jakarta.json.JsonException} or {@link ClassCastException}. */
    static JsonObject object(String text) {
        try (JsonReader reader = PROVIDER.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** Parses any JSON value (used to check {@code publishJson} input). */
    static JsonValue value(String text) {
        try (JsonReader reader = PROVIDER.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /** A string member, or {@code null} when absent or not a string. */
    static String string(JsonObject o, String key) {
        JsonValue v = o.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }

    /** A protocol message object (extra members such as {@code type} or {@code cursor} ignored). */
    static Message message(JsonObject o) {
        String channel = string(o, "channel");
        String id = string(o, "id");
        JsonValue data0 = o.get("data");
        if (channel != null && id == null && o.get("ephemeral") == JsonValue.TRUE) { // protocol 1.1
            JsonValue ts0 = o.get("ts");
            return Message.ephemeral(channel, string(o, "event"), data0 == null ? "null" : data0.toString(),
                    ts0 instanceof JsonNumber n ? n.longValue() : 0L);
        }
        if (channel == null || id == null) {
            throw new IllegalArgumentException("message without channel or id: " + o);
        }
        JsonValue data = o.get("data");
        JsonValue ts = o.get("ts");
        return new Message(channel, id, string(o, "event"), data == null ? "null" : data.toString(),
                ts instanceof JsonNumber n ? n.longValue() : 0L);
    }
}
