package dev.realtime.cdi;

import dev.realtime.Connection;

/** CDI event: a connection subscribed to a channel (once per channel, not again on a re-subscribe). */
public record ChannelSubscribed(Connection connection, String channel) {
}
