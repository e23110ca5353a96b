package dev.realtime.client;

/**
 * An error answered by the server or detected by the client.
 *
 * <p>{@link #code()} is the protocol's error code (for example {@code forbidden}, {@code
 * invalid_channel}, {@code payload_too_large}) or one of the client's own: {@code closed} (the
 * client was closed), {@code http_error} (an answer without a JSON error body).
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
