package dev.realtime.cdi;

import dev.realtime.Message;

import java.security.Principal;
import java.util.Optional;

/**
 * CDI event: a message was published through this node (on the Redis bus each message fires once, on
 * the node it was published on; a publish held for a transaction fires after the commit).
 *
 * @param origin    {@code application}, {@code http} or {@code websocket}
 * @param principal the publishing client's user; empty for the application and anonymous clients
 */
public record MessagePublished(Message message, String origin, Optional<Principal> principal) {
}
