package dev.realtime.servlet.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.internal.Engine;
import dev.realtime.protocol.JsonStrings;
import dev.realtime.internal.tickets.Admission;
import dev.realtime.internal.tickets.ChannelGrant;
import dev.realtime.internal.tickets.TicketAccessRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.security.Principal;
import java.util.Collections;
import java.util.List;

/**
 * A request's ticket or resume token (docs/wire-protocol-v1.md, version 1.1), read from the least
 * visible place it can be in: the {@code Realtime-Ticket} header, a WebSocket subprotocol
 * {@code realtime.ticket.<ticket>}, or (tickets only) the {@code ticket} query parameter. Admits it,
 * asks the authorizer what the connection may do, and splits the requested channels into those
 * served and those refused by name.
 *
 * @param admission what admitted the request; null when it presented nothing (protocol 1.0: all as before)
 * @param access    the connection's rights
 * @param channels  the channels to subscribe
 * @param refused   requested channels left out (only with a ticket; without one a refusal is the whole request's)
 */
record TicketedRequest(Admission admission, ChannelAccess access, List<String> channels, List<String> refused) {
    static final String HEADER = "Realtime-Ticket";
    static final String TOKEN_HEADER = "Realtime-Token";
    static final String EXPIRES_HEADER = "Realtime-Expires-In";
    /** The subprotocol the server selects, so a browser's offer of a ticket subprotocol never comes back. */
    static final String SUBPROTOCOL = "realtime.v1";
    private static final String TICKET_SUBPROTOCOL = "realtime.ticket.";

    /**
     * @throws dev.realtime.RealtimeException 401 for a bad ticket, 403 when no requested channel is allowed
     */
    static TicketedRequest of(Engine engine, HttpServletRequest req, HttpServletResponse resp, String transport, List<String> channels) {
        Admission admission = admit(engine, req);
        ServletAccessRequest request = new ServletAccessRequest(req, transport);
        if (admission == null) {
            return new TicketedRequest(null, engine.access(request), channels, List.of());
        }
        if (resp != null) {
            // first: a request refused later (a limit, a channel) still tells the client its resume token
            resp.setHeader(TOKEN_HEADER, admission.token());
            resp.setHeader(EXPIRES_HEADER, Long.toString(admission.expiresIn()));
        }
        ChannelAccess access = engine.access(request, admission);
        ChannelGrant grant = ChannelGrant.split(channels, access);
        return new TicketedRequest(admission, access, grant.allowed(), grant.refused());
    }

    static Admission admit(Engine engine, HttpServletRequest req) {
        String header = req.getHeader(HEADER);
        if (header != null && !header.isBlank()) {
            return engine.tickets().admit(header.strip(), false);
        }
        for (String offered : Collections.list(req.getHeaders("Sec-WebSocket-Protocol"))) {
            for (String protocol : offered.split(",")) {
                String p = protocol.strip();
                if (p.startsWith(TICKET_SUBPROTOCOL)) {
                    return engine.tickets().admit(p.substring(TICKET_SUBPROTOCOL.length()), false);
                }
            }
        }
        String query = req.getParameter("ticket");
        return query == null ? null : engine.tickets().admit(query, true);
    }

    /** The user the connection acts as: the ticket's, else the container's. */
    Principal principal(HttpServletRequest req) {
        return admission == null ? req.getUserPrincipal() : new TicketAccessRequest.TicketPrincipal(admission.user());
    }

    /** The refusal of one channel as JSON: {@code {"channel":"b","code":"forbidden","message":"..."}}. */
    static String refusal(String channel) {
        var e = ChannelGrant.forbidden(channel);
        return "{\"channel\":" + JsonStrings.quote(channel) + ",\"code\":\"" + e.code().code() + "\",\"message\":" + JsonStrings.quote(e.getMessage()) + "}";
    }
}
