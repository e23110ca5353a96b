package dev.realtime.cdi;

import dev.realtime.Connection;

/**
 * CDI event: a member left a channel's presence on this node, through the last connection here that
 * held it (a long-poll member once its grace after the last poll has passed, so after that
 * connection's {@link ConnectionClosed}).
 */
public record PresenceLeft(Connection connection, String channel, String member) {
}
