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
     * #HTTP}. A frame is never retried: if the socket closes before the {@code ack}, the future
     * fails with {@code outcome_unknown}.
     */
    WEBSOCKET_WHEN_OPEN
}
