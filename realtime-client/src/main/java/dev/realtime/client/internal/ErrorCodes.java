package dev.realtime.client.internal;

/**
 * Every error code the client reads or produces, in one place (the protocol's codes come from
 * docs/wire-protocol-v1.md; the last group are the client's own).
 */
public final class ErrorCodes {

    private ErrorCodes() {}

    // protocol codes the client checks or produces itself before sending
    public static final String INVALID_CHANNEL = "invalid_channel";
    public static final String INVALID_EVENT = "invalid_event";
    public static final String INVALID_JSON = "invalid_json";
    public static final String INVALID_CURSOR = "invalid_cursor";
    public static final String INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key";
    /** The connection's credential expired unrefreshed (version 1.1). */
    public static final String CREDENTIAL_EXPIRED = "credential_expired";

    // the client's own codes
    /** The client was closed. */
    public static final String CLOSED = "closed";
    /** The server could not be reached (retries exhausted); the I/O error is the cause. */
    public static final String UNAVAILABLE = "unavailable";
    /** An HTTP answer without the protocol's JSON error body. */
    public static final String HTTP_ERROR = "http_error";
    /** The server sent a WebSocket frame the client cannot read. */
    public static final String INVALID_FRAME = "invalid_frame";
    /** The application's {@link dev.realtime.client.TicketSource} failed or returned nothing; its exception is the cause. */
    public static final String NO_TICKET = "no_ticket";
    /** A WebSocket error frame without a code. */
    public static final String ERROR = "error";
}
