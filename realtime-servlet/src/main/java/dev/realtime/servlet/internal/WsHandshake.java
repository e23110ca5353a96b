package dev.realtime.servlet.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Since;
import jakarta.servlet.http.HttpServletRequest;

import java.util.List;

/**
 * The checks every WebSocket handshake passes, whichever way it is upgraded (from the servlet, or by
 * a deployed or annotated endpoint's configurator): origin, channels, cursor, authorization and
 * connection limits. A handshake that passes holds a connection slot in the endpoint it returns.
 */
public final class WsHandshake {
    private WsHandshake() {
    }

    public static WsEndpoint prepare(Engine engine, HttpServletRequest req) {
        new Origins(engine.settings().allowedOrigins).checkWrite(req);
        LiveParams live = LiveParams.of(req);
        List<String> channels = Requests.channels(req, false, engine.settings().channelsMax, live.v11());
        live.checkLimit(channels, engine.settings().channelsMax);
        Since since = Requests.since(req.getParameter("since"));
        if (engine.isClosing()) {
            throw engine.shuttingDown();
        }
        TicketedRequest ticketed = TicketedRequest.of(engine, req, null, "websocket", channels);
        ChannelAccess access = ticketed.access();
        for (String channel : ticketed.channels()) {
            if (!access.maySubscribe(channel)) {
                throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not subscribe to " + channel);
            }
        }
        WsEndpoint endpoint = new WsEndpoint(engine, ticketed.channels(), since, req.getUserPrincipal(), req.getRemoteAddr(),
                live.actingAs(ticketed.principal(req)));
        endpoint.open(ticketed);
        return endpoint;
    }

    /**
     * Refuses an upgrade the container would refuse (or fail on) before a slot is taken, so the
     * client gets the protocol's JSON and the slot is never held: RFC 6455 section 4.2.1.
     */
    static void checkHeaders(HttpServletRequest req) {
        String key = req.getHeader("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) {
            throw invalid("the upgrade has no Sec-WebSocket-Key header");
        }
        if (!"13".equals(trim(req.getHeader("Sec-WebSocket-Version")))) {
            throw invalid("Sec-WebSocket-Version must be 13");
        }
        for (String extensions : java.util.Collections.list(req.getHeaders("Sec-WebSocket-Extensions"))) {
            if (extensions.isBlank()) {
                continue;
            }
            for (String extension : extensions.split(",", -1)) {
                String name = extension.split(";", -1)[0].trim();
                if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    throw invalid("malformed Sec-WebSocket-Extensions header");
                }
            }
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static RealtimeException invalid(String message) {
        return new RealtimeException(ErrorCode.INVALID_HANDSHAKE, message);
    }
}
