package dev.realtime.client;

/** The life cycle of a client's connection, reported to a {@link ConnectionListener}. */
public enum ConnectionState {
    /** No subscription: no connection is held (publishing over HTTP still works). */
    IDLE,
    /** Opening the first connection after {@link #IDLE}. */
    CONNECTING,
    /** A connection is open and its subscriptions are live. */
    OPEN,
    /**
     * The connection was lost, refused, or dropped on purpose because listeners fell behind; the
     * client opens a new one after a backoff delay and resumes from its cursor.
     */
    RECONNECTING,
    /** {@link RealtimeClient#close()} was called. Final. */
    CLOSED
}
