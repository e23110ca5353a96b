package dev.realtime.client.internal;

import dev.realtime.client.RealtimeException;
import dev.realtime.protocol.FrameTypes;
import jakarta.json.JsonObject;

/** Reads one WebSocket frame from the server and tells {@link TransportEvents} what it means. */
final class ServerFrames {

    private ServerFrames() {}

    static void dispatch(String frame, TransportEvents events) {
        JsonObject o;
        try {
            o = Json.object(frame);
        } catch (RuntimeException e) {
            events.failed(new RealtimeException(0, ErrorCodes.INVALID_FRAME, "server sent " + frame, e), false);
            return;
        }
        String type = Json.string(o, "type");
        if (type == null) {
            return;
        }
        switch (type) {
            case FrameTypes.MESSAGE -> events.message(Json.message(o), Json.string(o, "cursor"));
            case FrameTypes.AUTHENTICATED -> events.authenticated(Json.string(o, "token"), o.getJsonNumber("expiresIn").longValue());
            case FrameTypes.SUBSCRIBED -> events.subscribed(Json.string(o, "channel"), Json.string(o, "cursor"));
            case FrameTypes.GAP -> events.gap(Json.string(o, "channel"));
            case FrameTypes.PRESENCE -> events.presence(o);
            case FrameTypes.ACK -> events.ack(Json.string(o, "ref"), Json.string(o, "channel"), Json.string(o, "id"));
            case FrameTypes.ERROR -> events.frameError(Json.string(o, "ref"), Json.string(o, "channel"),
                    Json.string(o, "code"), Json.string(o, "message"));
            default -> {
                // pong, unsubscribed, and frame types added later: nothing to do
            }
        }
    }
}
