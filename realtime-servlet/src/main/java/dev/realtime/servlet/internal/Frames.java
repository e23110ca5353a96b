package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.internal.JsonText;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.tickets.Admission;
import dev.realtime.spi.Published;
import jakarta.json.JsonValue;

/** The WebSocket protocol's server frames. */
final class Frames {
    private Frames() {
    }

    static String encode(Outbound o) {
        if (o instanceof Outbound.Delivery d) {
            String fields = d.message().jsonFields();
            if (d.cursor() == null) { // ephemeral (1.1): moves no cursor
                return "{\"type\":\"message\"," + fields + "}";
            }
            return new StringBuilder(fields.length() + d.cursor().length() + 40)
                    .append("{\"type\":\"message\",\"cursor\":\"").append(d.cursor()).append("\",")
                    .append(fields).append('}').toString();
        }
        if (o instanceof Outbound.Presence p) {
            return "{\"type\":\"presence\"," + p.fields() + "}";
        }
        if (o instanceof Outbound.Gap g) {
            return "{\"type\":\"gap\",\"channel\":" + JsonText.quote(g.channel()) + "}";
        }
        return ((Outbound.Control) o).text();
    }

    /** Carries the connection's cursor as it stands once the channel is live (extension, docs/protocol.md). */
    static String subscribed(String channel, JsonValue ref, String cursor) {
        return "{\"type\":\"subscribed\",\"channel\":" + JsonText.quote(channel) + ref(ref) + ",\"cursor\":\"" + cursor + "\"}";
    }

    static String unsubscribed(String channel, JsonValue ref) {
        return "{\"type\":\"unsubscribed\",\"channel\":" + JsonText.quote(channel) + ref(ref) + "}";
    }

    static String ack(Published p, JsonValue ref) {
        return "{\"type\":\"ack\"" + ref(ref) + ",\"id\":\"" + p.id() + "\",\"channel\":" + JsonText.quote(p.channel()) + "}";
    }

    /** The connection's credential: its resume token and the milliseconds until it expires (version 1.1). */
    static String authenticated(Admission a, JsonValue ref) {
        return "{\"type\":\"authenticated\"" + ref(ref) + ",\"token\":\"" + a.token() + "\",\"expiresIn\":" + a.expiresIn() + "}";
    }

    /** Protocol 1.1: an ephemeral publish has no id. */
    static String ackEphemeral(String channel, JsonValue ref) {
        return "{\"type\":\"ack\"" + ref(ref) + ",\"channel\":" + JsonText.quote(channel) + ",\"ephemeral\":true}";
    }

    static String joined(String channel, String member, JsonValue ref) {
        return "{\"type\":\"joined\",\"channel\":" + JsonText.quote(channel) + ",\"member\":" + JsonText.quote(member) + ref(ref) + "}";
    }

    static String left(String channel, JsonValue ref) {
        return "{\"type\":\"left\",\"channel\":" + JsonText.quote(channel) + ref(ref) + "}";
    }

    static String members(String channel, java.util.List<dev.realtime.PresenceMember> members, JsonValue ref) {
        return "{\"type\":\"members\",\"channel\":" + JsonText.quote(channel) + ",\"members\":"
                + dev.realtime.internal.presence.PresenceJson.members(members) + ref(ref) + "}";
    }

    static String pong(JsonValue ref) {
        return "{\"type\":\"pong\"" + ref(ref) + "}";
    }

    static String error(ErrorCode code, String message, JsonValue ref, String channel) {
        return "{\"type\":\"error\",\"code\":\"" + code.code() + "\",\"message\":" + JsonText.quote(message) + ref(ref)
                + (channel == null ? "" : ",\"channel\":" + JsonText.quote(channel)) + "}";
    }

    private static String ref(JsonValue ref) {
        return ref == null ? "" : ",\"ref\":" + JsonText.compact(ref);
    }
}
