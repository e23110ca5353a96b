package dev.realtime.cdi;

import dev.realtime.Connection;

/** CDI event: a connection ended, after a {@link ChannelUnsubscribed} for each channel it still had. */
public record ConnectionClosed(Connection connection) {
}
