package dev.realtime.cdi;

import dev.realtime.Connection;

/**
 * CDI event: a member joined a channel's presence (protocol 1.1) through a connection of this node; once
 * per member on this node, not again for its other connections here or for new info.
 */
public record PresenceJoined(Connection connection, String channel, String member) {
}
