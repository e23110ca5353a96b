package dev.realtime.client.internal;

import dev.realtime.protocol.ProtocolError;

/**
 * Every error code the client reads or produces, in one place: the protocol's come from
 * {@link ProtocolError}, shared with the server; the last group are the client's own.
 */
public final class ErrorCodes {

    private ErrorCodes() {}

    // protocol codes the client checks or produces itself before sending
    public static final String INVALID_CHANNEL = ProtocolError.INVALID_CHANNEL.code();
    public static final String INVALID_EVENT = ProtocolError.INVALID_EVENT.code();
    public static final String INVALID_JSON = ProtocolError.INVALID_JSON.code();
    public static final String INVALID_CURSOR = ProtocolError.INVALID_CURSOR.code();
    public static final String INVALID_IDEMPOTENCY_KEY = ProtocolError.INVALID_IDEMPOTENCY_KEY.code();
    /** The connection's credential expired unrefreshed (version 1.1). */
    public static final String CREDENTIAL_EXPIRED = ProtocolError.CREDENTIAL_EXPIRED.code();

    // the client's own codes
    /** The client was closed. */
    public static final String CLOSED = "closed";
    /** The server could not be reached (retries exhausted); the I/O error is the cause. */
    public static final String UNAVAILABLE = "unavailable";
    /** An HTTP answer without the protocol's JSON error body. */
    public static final String HTTP_ERROR = "http_error";
    /** The server sent a WebSocket frame the client cannot read (the protocol's code, used the other way round). */
    public static final String INVALID_FRAME = ProtocolError.INVALID_FRAME.code();
    /** The application's {@link dev.realtime.client.TicketSource} failed or returned nothing; its exception is the cause. */
    public static final String NO_TICKET = "no_ticket";
    /** A WebSocket error frame without a code. */
    public static final String ERROR = "error";
}
