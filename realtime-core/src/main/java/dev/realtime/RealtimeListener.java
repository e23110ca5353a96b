package dev.realtime;

/**
 * Sees connections open and close, channels subscribed and left, presence members joining and leaving
 * (protocol 1.1), and messages published through this node. Register with {@link Realtime#addListener}; with none registered the library does no work
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
     * A member joined the channel's presence through a connection of this node: its first hold here
     * (another connection joining as the same member, or a join that changes only the info, is not
     * a second join).
     */
    default void joined(Connection connection, String channel, String member) {
    }

    /**
     * The member left the channel's presence on this node: its last connection here left, or closed.
     * A long-poll member leaves once its grace after the last poll has passed without another poll,
     * so after {@link #closed} of that connection; at shutdown every member still present leaves.
     */
    default void left(Connection connection, String channel, String member) {
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
