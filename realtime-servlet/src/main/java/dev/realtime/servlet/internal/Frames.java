package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.internal.JsonText;
import dev.realtime.internal.Outbound;
import dev.realtime.protocol.JsonStrings;
import dev.realtime.spi.Published;
import jakarta.json.JsonValue;

/** The WebSocket protocol's server frames. Public for the benchmarks only; not an API. */
public final class Frames {
    private Frames() {
    }

    /** The frame of one queued item. */
    public static String encode(Outbound o) {
        if (o instanceof Outbound.Delivery d) {
            String fields = d.message().jsonFields();
            return new StringBuilder(fields.length() + d.cursor().length() + 40)
                    .append("{\"type\":\"message\",\"cursor\":\"").append(d.cursor()).append("\",")
                    .append(fields).append('}').toString();
        }
        if (o instanceof Outbound.Gap g) {
            return "{\"type\":\"gap\",\"channel\":" + JsonStrings.quote(g.channel()) + "}";
        }
        return ((Outbound.Control) o).text();
    }

    /** Carries the connection's cursor as it stands once the channel is live (extension, docs/protocol.md). */
    static String subscribed(String channel, JsonValue ref, String cursor) {
        return "{\"type\":\"subscribed\",\"channel\":" + JsonStrings.quote(channel) + ref(ref) + ",\"cursor\":\"" + cursor + "\"}";
    }

    static String unsubscribed(String channel, JsonValue ref) {
        return "{\"type\":\"unsubscribed\",\"channel\":" + JsonStrings.quote(channel) + ref(ref) + "}";
    }

    static String ack(Published p, JsonValue ref) {
        return "{\"type\":\"ack\"" + ref(ref) + ",\"id\":\"" + p.id() + "\",\"channel\":" + JsonStrings.quote(p.channel()) + "}";
    }

    static String pong(JsonValue ref) {
        return "{\"type\":\"pong\"" + ref(ref) + "}";
    }

    static String error(ErrorCode code, String message, JsonValue ref, String channel) {
        return "{\"type\":\"error\",\"code\":\"" + code.code() + "\",\"message\":" + JsonStrings.quote(message) + ref(ref)
                + (channel == null ? "" : ",\"channel\":" + JsonStrings.quote(channel)) + "}";
    }

    private static String ref(JsonValue ref) {
        return ref == null ? "" : ",\"ref\":" + JsonText.compact(ref);
    }
}
