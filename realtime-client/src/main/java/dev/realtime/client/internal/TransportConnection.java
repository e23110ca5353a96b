package dev.realtime.client.internal;

/**
 * An open (or opening) transport connection. What a transport cannot do it ignores (or answers
 * {@code false}), so the engine needs no casts: SSE and long-polling carry a fixed set of
 * channels and are reopened when it changes; only WebSocket changes channels in place, publishes
 * and pings.
 */
interface TransportConnection {

    /** Whether channels are added and removed on the open connection ({@link #addChannel}). */
    default boolean changesChannelsInPlace() {
        return false;
    }

    /** Subscribes {@code channel} from {@code since} ({@code null}: now) on the open connection. */
    default void addChannel(String channel, String since) {}

    /** Unsubscribes {@code channel} on the open connection. */
    default void removeChannel(String channel) {}

    /** Sends a publish with {@code ref} if this connection can carry one. */
    default boolean publish(String ref, String channel, String event, String idempotencyKey, String json) {
        return false;
    }

    /** WebSocket: refreshes the connection's credential in place with a new ticket (version 1.1). */
    default void refresh(String ticket) {}

    /** Sends a protocol frame where the transport can (WebSocket); false elsewhere. */
    default boolean sendFrame(String frame) {
        return false;
    }

    /** Asks the server for a sign of life, where the transport has a way to. */
    default void ping() {}

    /** Long-polling: sends the next poll after an answer. */
    default void pollAgain(String since, long timeoutMillis) {}

    /** Closes the connection; no further events are acted upon. Idempotent. */
    void close();
}
