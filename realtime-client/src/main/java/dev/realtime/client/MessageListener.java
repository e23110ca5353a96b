package dev.realtime.client;

/**
 * Receives the messages of one subscription.
 *
 * <p>Methods run on the client's listener executor, never on an I/O thread, one at a time and in
 * delivery order. A message is delivered at most once to a listener, also across reconnects and
 * transport fallbacks. An exception thrown by a method is logged and otherwise ignored.
 *
 * <p>{@link #onGap} and {@link #onError} log a WARNING through {@link System.Logger} (logger
 * {@code dev.realtime.client.MessageListener}) unless overridden: a lambda listener does not
 * silently miss gaps and refusals.
 */
@FunctionalInterface
public interface MessageListener {

    /** A message published on the channel. */
    void onMessage(Message message);

    /**
     * The server could not replay every message since the subscription's position on {@code
     * channel} (history overflowed or expired, or the server restarted): some messages may have
     * been lost. Messages the server still holds follow.
     */
    default void onGap(String channel) {
        System.getLogger(MessageListener.class.getName()).log(System.Logger.Level.WARNING,
                "realtime gap on channel {0}: messages may have been lost (override MessageListener.onGap to handle it)",
                channel);
    }

    /**
     * The server refused the subscription (for example {@code forbidden}); the subscription is
     * cancelled and receives nothing more.
     */
    default void onError(RealtimeException error) {
        System.getLogger(MessageListener.class.getName()).log(System.Logger.Level.WARNING,
                "realtime subscription refused: " + error.getMessage() + " (override MessageListener.onError to handle it)",
                error);
    }
}
