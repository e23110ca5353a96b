package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;

import java.util.Set;

/** Validation of channel names, event names and idempotency keys (docs/wire-protocol-v1.md, "Channels" and "Message"). */
public final class Names {
    private static final Set<String> RESERVED_EVENTS = Set.of("gap", "error", "open", "close", "heartbeat");

    private Names() {
    }

    public static String channel(String name) {
        if (name == null || name.isEmpty()) {
            throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "a channel is required");
        }
        if (name.length() > 128 || !allMatch(name, "_.:@/-")) {
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL,
                    "invalid channel name '" + printable(name) + "': use 1-128 characters of A-Z a-z 0-9 _ . : @ / -");
        }
        return name;
    }

    /** Validates a publisher's event name; {@code null} or empty means {@code message}. */
    public static String event(String name) {
        if (name == null || name.isEmpty()) {
            return "message";
        }
        if (name.length() > 64 || !allMatch(name, "_.:-")) {
            throw new RealtimeException(ErrorCode.INVALID_EVENT,
                    "invalid event name '" + printable(name) + "': use 1-64 characters of A-Z a-z 0-9 _ . : -");
        }
        if (RESERVED_EVENTS.contains(name)) {
            throw new RealtimeException(ErrorCode.INVALID_EVENT, "the event name '" + name + "' is reserved");
        }
        return name;
    }

    /** Validates an {@code Idempotency-Key}; {@code null} means none. */
    public static String idempotencyKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > 128 || !allMatch(key, "_.:-")) {
            throw new RealtimeException(ErrorCode.INVALID_IDEMPOTENCY_KEY,
                    "invalid Idempotency-Key: use 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        return key;
    }

    private static boolean allMatch(String s, String extra) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Echo user input safely in an error message: short, no control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
