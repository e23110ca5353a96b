package dev.realtime.client;

/**
 * The transport a {@link RealtimeClient} uses to receive messages.
 *
 * <p>{@link #AUTO} tries {@link #WEBSOCKET}, then {@link #SSE}, then {@link #LONG_POLLING}: it
 * moves to the next one when the server answers a connection attempt in a way that shows the
 * transport does not work there (for example {@code 404} or a WebSocket handshake that is refused
 * by a proxy), or after three consecutive failed attempts to open it. A cursor obtained on one
 * transport resumes on the next, so a fallback loses and repeats nothing.
 */
public enum Transport {
    /** {@code {base}/ws}: one WebSocket, subscriptions changed with frames. */
    WEBSOCKET,
    /** {@code {base}/sse}: Server-Sent Events; a change of subscriptions reopens the stream. */
    SSE,
    /** {@code {base}/poll}: HTTP long-polling over pooled keep-alive connections. */
    LONG_POLLING,
    /** WebSocket, then SSE, then long-polling. */
    AUTO
}
