package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Names;
import dev.realtime.internal.Session;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The protocol 1.1 query parameters of {@code poll}, {@code sse} and {@code ws}: {@code v},
 * {@code presence}, {@code join}, {@code member} and {@code info}. Without {@code v=1.1} the
 * connection is 1.0 and the others are refused, so a 1.0 connection behaves exactly as before.
 *
 * @param v11      the connection asked for protocol 1.1
 * @param presence channels whose presence events are wanted
 * @param join     channels whose presence the connection joins
 * @param member   the member id the client named, or null
 * @param user     the authenticated user's name, or null
 * @param info     the member's info as JSON text, or null
 */
public record LiveParams(boolean v11, List<String> presence, List<String> join, String member, String user, String info) {

    static LiveParams of(HttpServletRequest req) {
        String v = req.getParameter("v");
        boolean v11;
        if (v == null || v.equals("1.0")) {
            v11 = false;
        } else if (v.equals("1.1")) {
            v11 = true;
        } else {
            throw new RealtimeException(ErrorCode.INVALID_VERSION, "protocol version '" + v.replaceAll("[^0-9.]", "?")
                    + "' is not supported: use v=1.0 or v=1.1");
        }
        List<String> presence = channels(req, "presence", v11);
        List<String> join = channels(req, "join", v11);
        String member = only(req, "member", v11);
        String info = only(req, "info", v11);
        Principal user = req.getUserPrincipal();
        return new LiveParams(v11, presence, join, member, user == null ? null : user.getName(), info);
    }

    /** The same parameters for the user the connection acts as (a ticket's user, else the container's). */
    LiveParams actingAs(Principal principal) {
        return new LiveParams(v11, presence, join, member, principal == null ? null : principal.getName(), info);
    }

    /**
     * Before subscribing: makes the session a protocol 1.1 one (its subscriptions then follow the live
     * bus too) and joins. A refused join refuses the request (or the WebSocket handshake).
     */
    void start(Session session) {
        if (v11) {
            session.protocol11();
        }
        for (String channel : join) {
            session.live().join(channel, member, user, info);
        }
    }

    /** After subscribing: the presence feeds, each starting with its member list. */
    void finish(Session session) {
        for (String channel : presence) {
            session.watchPresence(channel);
        }
    }

    /**
     * What a parked long-poll session must have been started with to be taken over by this poll (see
     * {@link dev.realtime.internal.ParkedPolls}): the same version, presence feeds and joins.
     */
    String signature() {
        return v11 ? "|1.1|" + presence + "|" + join + "|" + member + "|" + info : "";
    }

    /** The channels of {@code channel} and {@code presence} together count towards the connection's limit. */
    void checkLimit(List<String> channels, int max) {
        if (presence.isEmpty()) {
            return;
        }
        Set<String> all = new LinkedHashSet<>(channels);
        all.addAll(presence);
        if (all.size() > max) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "a connection may subscribe to at most " + max
                    + " channels (channel and presence parameters together)");
        }
    }

    private static List<String> channels(HttpServletRequest req, String name, boolean v11) {
        String[] values = req.getParameterValues(name);
        if (values == null) {
            return List.of();
        }
        requireV11(name, v11);
        Set<String> channels = new LinkedHashSet<>();
        for (String value : values) {
            channels.add(Names.channel(value));
        }
        return List.copyOf(channels);
    }

    private static String only(HttpServletRequest req, String name, boolean v11) {
        String value = req.getParameter(name);
        if (value != null) {
            requireV11(name, v11);
        }
        return value;
    }

    private static void requireV11(String parameter, boolean v11) {
        if (!v11) {
            throw new RealtimeException(ErrorCode.INVALID_VERSION, "the " + parameter + " parameter is protocol 1.1: add v=1.1");
        }
    }
}
