package dev.realtime;

import java.security.Principal;
import java.util.Optional;

/** What an {@link Authorizer} may look at: the request that opened the connection. Valid only during {@code authorize}. */
public interface AccessRequest {

    /** The authenticated user, when the container authenticated the request. */
    Optional<Principal> principal();

    /** Whether the authenticated user has the role (the container's own role mapping). */
    boolean isUserInRole(String role);

    /** A request header, or null. */
    String header(String name);

    /** The client's address as the container sees it. */
    String remoteAddress();

    /** {@code poll}, {@code sse}, {@code websocket}, {@code publish}, or {@code presence} (the 1.1 member list). */
    String transport();
}
