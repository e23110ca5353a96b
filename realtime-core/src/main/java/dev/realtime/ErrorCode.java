package dev.realtime;

import dev.realtime.protocol.ProtocolError;

/**
 * The protocol's error codes with their HTTP status (docs/wire-protocol-v1.md, "Errors"), as the
 * server API names them; codes and statuses are defined once, in {@link ProtocolError}.
 */
public enum ErrorCode {
    INVALID_CHANNEL,
    INVALID_EVENT,
    INVALID_CURSOR,
    INVALID_JSON,
    INVALID_TIMEOUT,
    INVALID_IDEMPOTENCY_KEY,
    MISSING_CHANNEL,
    TOO_MANY_CHANNELS,
    /** WebSocket only: a frame that is JSON but not a valid protocol frame. */
    INVALID_FRAME,
    /** A WebSocket upgrade with a missing or malformed handshake header (extension, see docs/protocol.md). */
    INVALID_HANDSHAKE,
    /** A ticket or resume token that cannot be read or whose signature is wrong (version 1.1). */
    INVALID_TICKET,
    /** A ticket presented after its validity (version 1.1). */
    TICKET_EXPIRED,
    /** A ticket presented a second time, on any node sharing the bus (version 1.1). */
    TICKET_USED,
    /** A resume token, or a connection, whose credential has expired (version 1.1). */
    CREDENTIAL_EXPIRED,
    /** A {@code v} other than 1.0 or 1.1, or a 1.1 parameter or frame on a 1.0 connection (protocol 1.1). */
    INVALID_VERSION,
    /** A presence member id that is missing, too long or holds control characters (protocol 1.1). */
    INVALID_MEMBER,
    FORBIDDEN,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    /** An HTTP publish body that did not arrive within realtime.publish.bodyTimeout (extension, see docs/protocol.md). */
    REQUEST_TIMEOUT,
    /** A presence join beyond realtime.presence.maxMembers (protocol 1.1). */
    TOO_MANY_MEMBERS,
    PAYLOAD_TOO_LARGE,
    /** A plain GET on the WebSocket path (extension, see docs/protocol.md). */
    UPGRADE_REQUIRED,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    SHUTTING_DOWN,
    OVERLOADED,
    BUS_UNAVAILABLE;

    /** The same code in the protocol's vocabulary (a constant missing there fails at class initialisation). */
    private final ProtocolError wire = ProtocolError.valueOf(name());

    public int status() {
        return wire.status();
    }

    /** The wire form, e.g. {@code invalid_channel}. */
    public String code() {
        return wire.code();
    }
}
