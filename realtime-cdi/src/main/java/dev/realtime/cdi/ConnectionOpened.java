package dev.realtime.cdi;

import dev.realtime.Connection;

/** CDI event: a client connected (fired on the request or handshake thread). Observe with {@code @Observes} or {@code @ObservesAsync}. */
public record ConnectionOpened(Connection connection) {
}
