package dev.realtime;

import java.security.Principal;
import java.util.Optional;

/**
 * A publish attempt from a client, as a {@link PublishHook} sees it.
 *
 * @param channel   the target channel (already validated)
 * @param event     the event name (already validated; {@code message} by default)
 * @param data      the payload as compact JSON text
 * @param principal the authenticated user, when the container authenticated the request
 * @param transport {@code http} or {@code websocket}
 * @param remoteAddress the client's address as the container sees it
 * @param ephemeral whether it is an ephemeral message (protocol 1.1: delivered live, never stored)
 */
public record ClientPublish(String channel, String event, String data, Principal principal,
                            String transport, String remoteAddress, boolean ephemeral) {

    /** A publish to history (not ephemeral). */
    public ClientPublish(String channel, String event, String data, Principal principal, String transport, String remoteAddress) {
        this(channel, event, data, principal, transport, remoteAddress, false);
    }

    public Optional<Principal> user() {
        return Optional.ofNullable(principal);
    }
}
