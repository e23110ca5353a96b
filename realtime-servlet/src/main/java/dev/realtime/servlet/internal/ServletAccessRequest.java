package dev.realtime.servlet.internal;

import dev.realtime.AccessRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.Optional;

/** The request that opens a connection, as an {@link dev.realtime.Authorizer} sees it. */
record ServletAccessRequest(HttpServletRequest request, String transport) implements AccessRequest {

    @Override
    public Optional<Principal> principal() {
        return Optional.ofNullable(request.getUserPrincipal());
    }

    @Override
    public boolean isUserInRole(String role) {
        return request.isUserInRole(role);
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }
}
