package dev.realtime.client;

/**
 * Receives connection state changes. Runs on the client's listener executor, in order with the
 * messages.
 */
public interface ConnectionListener {

    /**
     * The state changed.
     *
     * @param state the new state
     * @param transport the transport in use or being tried ({@code null} when {@link
     *     ConnectionState#IDLE} or {@link ConnectionState#CLOSED})
     */
    void onStateChange(ConnectionState state, Transport transport);

    /**
     * A connection attempt failed or a connection was lost; the client will retry. Errors the
     * server answered with (for example {@code 403 forbidden}) arrive as {@link RealtimeException}.
     */
    default void onError(Throwable error) {}
}
