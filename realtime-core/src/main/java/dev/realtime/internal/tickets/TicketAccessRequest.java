package dev.realtime.internal.tickets;

import dev.realtime.AccessRequest;

import java.security.Principal;
import java.util.Optional;

/**
 * The request as an {@link dev.realtime.Authorizer} sees it when a ticket admitted it: the ticket's
 * user and roles; headers, address and transport from the request itself ({@code null} headers for a
 * WebSocket refresh, which has no request).
 */
public record TicketAccessRequest(AccessRequest request, Credential credential) implements AccessRequest {

    @Override
    public Optional<Principal> principal() {
        String user = credential.user();
        return Optional.of(new TicketPrincipal(user));
    }

    @Override
    public boolean isUserInRole(String role) {
        return credential.roles().contains(role);
    }

    @Override
    public String header(String name) {
        return request.header(name);
    }

    @Override
    public String remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public String transport() {
        return request.transport();
    }

    /** The principal a ticket names. */
    public record TicketPrincipal(String getName) implements Principal {
    }
}
