package dev.realtime;

import dev.realtime.protocol.JsonStrings;

/** A request refused with a protocol error code; the message is meant for the client. */
public class RealtimeException extends RuntimeException {
    private final ErrorCode code;

    public RealtimeException(ErrorCode code, String message) {
        super(message, null, false, false); // expected refusals: no stack trace to fill or log
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** {@code {"error":"<code>","message":"<text>"}} */
    public String toJson() {
        return "{\"error\":\"" + code.code() + "\",\"message\":" + JsonStrings.quote(getMessage()) + "}";
    }
}
