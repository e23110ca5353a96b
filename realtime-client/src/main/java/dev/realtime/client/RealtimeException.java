package dev.realtime.client;

/**
 * An error answered by the server or detected by the client.
 *
 * <p>{@link #code()} is the protocol's error code (for example {@code forbidden}, {@code
 * invalid_channel}, {@code invalid_event}, {@code invalid_json}, {@code invalid_idempotency_key},
 * {@code payload_too_large}; the client checks names, JSON and keys itself and answers with the
 * same codes) or one of the client's own: {@code closed} (the client was closed), {@code
 * unavailable} (the server could not be reached after all publish attempts; the I/O error is the
 * {@linkplain #getCause() cause}), {@code http_error} (an answer without a JSON error body).
 */
public class RealtimeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public RealtimeException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public RealtimeException(int status, String code, String message, Throwable cause) {
        super(message == null || message.isEmpty() ? code : code + ": " + message, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, or 0 when the error did not come with one (WebSocket frames, I/O). */
    public int status() {
        return status;
    }

    /** The error code. */
    public String code() {
        return code;
    }
}
