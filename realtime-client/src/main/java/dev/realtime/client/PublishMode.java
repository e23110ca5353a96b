package dev.realtime.client;

/** How {@link RealtimeClient#publish} reaches the server. */
public enum PublishMode {
    /**
     * {@code POST {base}/publish} with an {@code Idempotency-Key}; retried on I/O errors, {@code
     * 429} and {@code 5xx} with the same key, so the message is published once (the default).
     */
    HTTP,
    /**
     * A {@code publish} frame on the WebSocket when one is open (lower latency), else as {@link
     * #HTTP}. The frame carries a {@code ref}, matched with the {@code ack} or {@code error} frame,
     * and an {@code idempotencyKey}: if the socket closes before the answer, the publish is sent
     * again over HTTP with that key, so it is still published once.
     */
    WEBSOCKET_WHEN_OPEN
}
