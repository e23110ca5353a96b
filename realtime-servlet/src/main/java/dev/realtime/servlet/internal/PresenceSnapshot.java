package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Names;
import dev.realtime.internal.presence.PresenceJson;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET <base>/presence?channel=a}: the channel's members across every node (protocol 1.1), for services. */
public final class PresenceSnapshot {
    private PresenceSnapshot() {
    }

    public static void handle(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] channels = req.getParameterValues("channel");
        if (channels == null || channels.length == 0) {
            throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "name the channel, e.g. ?channel=room:42");
        }
        if (channels.length > 1) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "ask for one channel's members per request");
        }
        String channel = Names.channel(channels[0]);
        // a ticket or resume token is presented as on every endpoint (version 1.1)
        if (!TicketedRequest.of(engine, req, resp, "presence", java.util.List.of(channel)).access().maySubscribe(channel)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not see the presence of " + channel);
        }
        engine.checkPublishRate(req.getRemoteAddr()); // a read of the bus (Redis) each time: held to the publish rate
        HttpErrors.writeJson(resp, PresenceJson.snapshot(channel, engine.members(channel)));
    }
}
