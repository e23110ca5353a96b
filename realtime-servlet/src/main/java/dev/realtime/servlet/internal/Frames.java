package dev.realtime.servlet.internal;

import dev.realtime.protocol.JsonStrings;
import dev.realtime.ErrorCode;
import dev.realtime.internal.JsonText;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.tickets.Admission;
import dev.realtime.protocol.FrameTypes;
import dev.realtime.spi.Published;
import jakarta.json.JsonValue;

import static dev.realtime.protocol.JsonStrings.quote;

/** The WebSocket protocol's server frames. Public for the benchmarks only; not an API. */
public final class Frames {
    private Frames() {
    }

    /** The frame of one queued item. */
    public static String encode(Outbound o) {
        if (o instanceof Outbound.Delivery d) {
            String fields = d.message().jsonFields();
            if (d.cursor() == null) { // ephemeral (1.1): moves no cursor
                return "{\"type\":\"message\"," + fields + "}";
            }
            return new StringBuilder(fields.length() + d.cursor().length() + 40)
                    .append("{\"type\":\"" + FrameTypes.MESSAGE + "\",\"cursor\":\"").append(d.cursor()).append("\",")
                    .append(fields).append('}').toString();
        }
        if (o instanceof Outbound.Presence p) {
            return "{\"type\":\"presence\"," + p.fields() + "}";
        }
        if (o instanceof Outbound.Gap g) {
            return start(FrameTypes.GAP) + ",\"channel\":" + quote(g.channel()) + "}";
        }
        return ((Outbound.Control) o).text();
    }

    /** Carries the connection's cursor as it stands once the channel is live (extension, docs/protocol.md). */
    static String subscribed(String channel, JsonValue ref, String cursor) {
        return start(FrameTypes.SUBSCRIBED) + ",\"channel\":" + quote(channel) + ref(ref) + ",\"cursor\":\"" + cursor + "\"}";
    }

    static String unsubscribed(String channel, JsonValue ref) {
        return start(FrameTypes.UNSUBSCRIBED) + ",\"channel\":" + quote(channel) + ref(ref) + "}";
    }

    static String ack(Published p, JsonValue ref) {
        return start(FrameTypes.ACK) + ref(ref) + ",\"id\":\"" + p.id() + "\",\"channel\":" + quote(p.channel()) + "}";
    }

    /** The connection's credential: its resume token and the milliseconds until it expires (version 1.1). */
    static String authenticated(Admission a, JsonValue ref) {
        return start(FrameTypes.AUTHENTICATED) + ref(ref) + ",\"token\":\"" + a.token() + "\",\"expiresIn\":" + a.expiresIn() + "}";
    }

    /** Protocol 1.1: an ephemeral publish has no id. */
    static String ackEphemeral(String channel, JsonValue ref) {
        return "{\"type\":\"ack\"" + ref(ref) + ",\"channel\":" + JsonStrings.quote(channel) + ",\"ephemeral\":true}";
    }

    static String joined(String channel, String member, JsonValue ref) {
        return "{\"type\":\"joined\",\"channel\":" + JsonStrings.quote(channel) + ",\"member\":" + JsonStrings.quote(member) + ref(ref) + "}";
    }

    static String left(String channel, JsonValue ref) {
        return "{\"type\":\"left\",\"channel\":" + JsonStrings.quote(channel) + ref(ref) + "}";
    }

    static String members(String channel, java.util.List<dev.realtime.PresenceMember> members, JsonValue ref) {
        return "{\"type\":\"members\",\"channel\":" + JsonStrings.quote(channel) + ",\"members\":"
                + dev.realtime.internal.presence.PresenceJson.members(members) + ref(ref) + "}";
    }

    static String pong(JsonValue ref) {
        return start(FrameTypes.PONG) + ref(ref) + "}";
    }

    static String error(ErrorCode code, String message, JsonValue ref, String channel) {
        return start(FrameTypes.ERROR) + ",\"code\":\"" + code.code() + "\",\"message\":" + quote(message) + ref(ref)
                + (channel == null ? "" : ",\"channel\":" + quote(channel)) + "}";
    }

    /** {@code {"type":"<type>"}} without its closing brace. */
    private static String start(String type) {
        return "{\"type\":\"" + type + "\"";
    }

    private static String ref(JsonValue ref) {
        return ref == null ? "" : ",\"ref\":" + JsonText.compact(ref);
    }
}
