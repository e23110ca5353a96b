package dev.realtime.cdi;

import dev.realtime.Connection;

/** CDI event: a connection left a channel, by unsubscribing or by closing. */
public record ChannelUnsubscribed(Connection connection, String channel) {
}
