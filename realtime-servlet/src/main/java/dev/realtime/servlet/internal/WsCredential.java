package dev.realtime.servlet.internal;

import dev.realtime.AccessRequest;
import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.tickets.Admission;
import dev.realtime.internal.tickets.ChannelGrant;
import dev.realtime.internal.tickets.CredentialTimer;
import dev.realtime.internal.tickets.RenewableAccess;
import dev.realtime.internal.tickets.TicketAccessRequest;
import jakarta.json.JsonValue;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A WebSocket connection's credential (docs/wire-protocol-v1.md, version 1.1): tells the client its
 * resume token and expiry, names connect-time channels its ticket refused, refreshes in place on an
 * {@code auth} frame (the authorizer asked again, channels no longer allowed unsubscribed by name,
 * the others untouched), and closes the connection when the credential expires unrefreshed.
 */
final class WsCredential {
    private final Engine engine;
    private final RenewableAccess access;
    private final Principal containerPrincipal;
    private final String remoteAddress;
    private final List<String> refusedAtConnect;
    private final CredentialTimer timer;
    private volatile Admission admission;

    WsCredential(Engine engine, TicketedRequest ticketed, Principal containerPrincipal, String remoteAddress, Runnable onExpiry) {
        this.engine = engine;
        this.access = new RenewableAccess(ticketed.access());
        this.containerPrincipal = containerPrincipal;
        this.remoteAddress = remoteAddress;
        this.refusedAtConnect = ticketed.refused();
        this.admission = ticketed.admission();
        this.timer = new CredentialTimer(engine.scheduler(), onExpiry);
    }

    ChannelAccess access() {
        return access;
    }

    /** The user the connection acts as. */
    Principal principal() {
        Admission a = admission;
        return a == null ? containerPrincipal : new TicketAccessRequest.TicketPrincipal(a.user());
    }

    /** At open, before any {@code subscribed} frame: the credential, then the channels its ticket refused. */
    void opened(Session session) {
        Admission a = admission;
        if (a == null) {
            return;
        }
        session.enqueueControl(Frames.authenticated(a, null));
        for (String channel : refusedAtConnect) {
            session.enqueueControl(Frames.error(ErrorCode.FORBIDDEN, ChannelGrant.forbidden(channel).getMessage(), null, channel));
        }
        timer.expireIn(a.expiresIn());
    }

    /** An {@code auth} frame; a refusal throws and becomes an error frame, the current credential standing. */
    void refresh(String presented, JsonValue ref, Session session) {
        Admission fresh = engine.tickets().admit(presented, false);
        Principal current = principal();
        if (current != null && !current.getName().equals(fresh.user())) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "a refresh must be for the connection's own user");
        }
        ChannelAccess rights = engine.access(new Detached(remoteAddress), fresh);
        access.renew(rights);
        admission = fresh;
        session.enqueueControl(Frames.authenticated(fresh, ref));
        Set<String> held = new LinkedHashSet<>(session.channels());
        held.addAll(session.watchedChannels()); // protocol 1.1: a presence watch ends like a subscription
        for (String channel : held) {
            if (!rights.maySubscribe(channel)) {
                session.unsubscribe(channel, new Outbound.Control(Frames.unsubscribed(channel, null)));
                session.enqueueControl(Frames.error(ErrorCode.FORBIDDEN, ChannelGrant.forbidden(channel).getMessage(), null, channel));
            }
        }
        for (String channel : session.leaveRevoked(rights)) { // protocol 1.1: memberships, and a pattern's matched channels
            session.enqueueControl(Frames.left(channel, null));
        }
        timer.expireIn(fresh.expiresIn());
    }

    void release() {
        timer.cancel();
    }

    /** A refresh has no HTTP request: the authorizer sees the ticket's user and roles, the address, no headers. */
    private record Detached(String remoteAddress) implements AccessRequest {
        @Override
        public Optional<Principal> principal() {
            return Optional.empty();
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String transport() {
            return "websocket";
        }
    }
}
