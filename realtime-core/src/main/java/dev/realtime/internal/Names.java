package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.protocol.NameRules;

import static dev.realtime.protocol.NameRules.CHANNEL_RULE;
import static dev.realtime.protocol.NameRules.EVENT_RULE;
import static dev.realtime.protocol.NameRules.IDEMPOTENCY_KEY_RULE;

/**
 * The server's checks of channel names, event names and idempotency keys: the rules are
 * {@link NameRules}; a broken one is a protocol error code.
 */
public final class Names {

    private Names() {
    }

    public static String channel(String name) {
        if (name == null || name.isEmpty()) {
            throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "a channel is required");
        }
        if (!NameRules.isChannel(name)) {
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL, "invalid channel name '" + printable(name) + "': use " + CHANNEL_RULE);
        }
        return name;
    }

    /** Validates a publisher's event name; {@code null} or empty means {@code message}. */
    public static String event(String name) {
        if (name == null || name.isEmpty()) {
            return NameRules.DEFAULT_EVENT;
        }
        if (!NameRules.isEventSyntax(name)) {
            throw new RealtimeException(ErrorCode.INVALID_EVENT, "invalid event name '" + printable(name) + "': use " + EVENT_RULE);
        }
        if (NameRules.isReservedEvent(name)) {
            throw new RealtimeException(ErrorCode.INVALID_EVENT, "the event name '" + name + "' is reserved");
        }
        return name;
    }

    /** Validates an {@code Idempotency-Key}; {@code null} means none. */
    public static String idempotencyKey(String key) {
        if (key == null) {
            return null;
        }
        if (!NameRules.isIdempotencyKey(key)) {
            throw new RealtimeException(ErrorCode.INVALID_IDEMPOTENCY_KEY, "invalid Idempotency-Key: use " + IDEMPOTENCY_KEY_RULE);
        }
        return key;
    }

    /** Echo user input safely in an error message: short, no control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
