package dev.realtime.protocol;

import java.util.Locale;

/**
 * The protocol's error codes with their HTTP status (docs/wire-protocol-v1.md, "Errors"). The
 * server's public {@code dev.realtime.ErrorCode} has one constant for each, by the same name.
 */
public enum ProtocolError {
    INVALID_CHANNEL(400),
    INVALID_EVENT(400),
    INVALID_CURSOR(400),
    INVALID_JSON(400),
    INVALID_TIMEOUT(400),
    INVALID_IDEMPOTENCY_KEY(400),
    MISSING_CHANNEL(400),
    TOO_MANY_CHANNELS(400),
    /** WebSocket only: a frame that is JSON but not a valid protocol frame. */
    INVALID_FRAME(400),
    /** A WebSocket upgrade with a missing or malformed handshake header (extension, see docs/protocol.md). */
    INVALID_HANDSHAKE(400),
    /** A ticket or resume token that cannot be read or whose signature is wrong (version 1.1). */
    INVALID_TICKET(401),
    /** A ticket presented after its validity (version 1.1). */
    TICKET_EXPIRED(401),
    /** A ticket presented a second time, on any node sharing the bus (version 1.1). */
    TICKET_USED(401),
    /** A resume token, or a connection, whose credential has expired (version 1.1). */
    CREDENTIAL_EXPIRED(401),
    /** A {@code v} other than 1.0 or 1.1, or a 1.1 parameter or frame on a 1.0 connection (protocol 1.1). */
    INVALID_VERSION(400),
    /** A presence member id that is missing, too long or holds control characters (protocol 1.1). */
    INVALID_MEMBER(400),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    /** An HTTP publish body that did not arrive within realtime.publish.bodyTimeout (extension, see docs/protocol.md). */
    REQUEST_TIMEOUT(408),
    /** A presence join beyond realtime.presence.maxMembers (protocol 1.1). */
    TOO_MANY_MEMBERS(409),
    PAYLOAD_TOO_LARGE(413),
    /** A plain GET on the WebSocket path (extension, see docs/protocol.md). */
    UPGRADE_REQUIRED(426),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),
    SHUTTING_DOWN(503),
    OVERLOADED(503),
    BUS_UNAVAILABLE(503);

    private final int status;
    private final String code;

    ProtocolError(int status) {
        this.status = status;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    public int status() {
        return status;
    }

    /** The wire form, e.g. {@code invalid_channel}. */
    public String code() {
        return code;
    }
}
