package dev.realtime.client.internal;

/** The WebSocket frames the client sends (docs/wire-protocol-v1.md), built in one place. */
final class Frames {

    private Frames() {}

    static String subscribe(String channel, String since) {
        return "{\"type\":\"subscribe\",\"channel\":" + Json.quote(channel)
                + (since == null ? "" : ",\"since\":" + Json.quote(since)) + "}";
    }

    static String unsubscribe(String channel) {
        return "{\"type\":\"unsubscribe\",\"channel\":" + Json.quote(channel) + "}";
    }

    /** Refreshes the connection's credential in place (version 1.1). */
    static String auth(String ticket) {
        return "{\"type\":\"auth\",\"ticket\":" + Json.quote(ticket) + "}";
    }

    static String ping() {
        return "{\"type\":\"ping\"}";
    }

    static String publish(String ref, String channel, String event, String idempotencyKey, String json) {
        return "{\"type\":\"publish\",\"ref\":" + Json.quote(ref) + ",\"channel\":" + Json.quote(channel)
                + (event == null ? "" : ",\"event\":" + Json.quote(event))
                + ",\"idempotencyKey\":" + Json.quote(idempotencyKey) + ",\"data\":" + json + "}";
    }
}
