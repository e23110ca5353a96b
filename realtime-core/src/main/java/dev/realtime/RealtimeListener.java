package dev.realtime;

/**
 * Sees connections open and close, channels subscribed and left, and messages published through this
 * node. Register with {@link Realtime#addListener}; with none registered the library does no work
 * for it. Methods run on the thread where it happens (a request thread, or one of the library's),
 * must return quickly and should not throw (what they throw is logged and ignored).
 */
public interface RealtimeListener {

    default void opened(Connection connection) {
    }

    /** After {@link #unsubscribed} for each channel it still had. */
    default void closed(Connection connection) {
    }

    default void subscribed(Connection connection, String channel) {
    }

    default void unsubscribed(Connection connection, String channel) {
    }

    /**
     * A message this node published (on the Redis bus, each message is seen on the node it was
     * published on, once).
     *
     * @param client the client's publish, or {@code null} when the application published it
     */
    default void published(Message message, ClientPublish client) {
    }
}
