package dev.realtime.client.internal;

import static dev.realtime.protocol.JsonStrings.quote;

import dev.realtime.protocol.FrameTypes;

/** The WebSocket frames the client sends (docs/wire-protocol-v1.md), built in one place. */
final class Frames {

    private Frames() {}

    static String subscribe(String channel, String since) {
        return "{\"type\":\"" + FrameTypes.SUBSCRIBE + "\",\"channel\":" + quote(channel)
                + (since == null ? "" : ",\"since\":" + quote(since)) + "}";
    }

    static String unsubscribe(String channel) {
        return "{\"type\":\"" + FrameTypes.UNSUBSCRIBE + "\",\"channel\":" + quote(channel) + "}";
    }

    /** Refreshes the connection's credential in place (version 1.1). */
    static String auth(String ticket) {
        return "{\"type\":\"" + FrameTypes.AUTH + "\",\"ticket\":" + quote(ticket) + "}";
    }

    static String ping() {
        return "{\"type\":\"" + FrameTypes.PING + "\"}";
    }

    static String publish(String ref, String channel, String event, String idempotencyKey, String json) {
        return "{\"type\":\"" + FrameTypes.PUBLISH + "\",\"ref\":" + quote(ref) + ",\"channel\":" + quote(channel)
                + (event == null ? "" : ",\"event\":" + quote(event))
                + ",\"idempotencyKey\":" + quote(idempotencyKey) + ",\"data\":" + json + "}";
    }
}
