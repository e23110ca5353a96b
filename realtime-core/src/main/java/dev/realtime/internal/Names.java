package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.spi.ChannelPattern;

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

    /**
     * A wildcard pattern (protocol 1.1: {@code room:*}, {@code room:**}), or null when the name holds
     * no {@code *} (then it is a channel name, to be validated by {@link #channel}). A {@code *}
     * anywhere but a whole last segment after a channel name is {@code invalid_channel}.
     */
    public static ChannelPattern pattern(String name) {
        if (name == null || name.indexOf('*') < 0) {
            return null;
        }
        boolean anyDepth = name.endsWith(":**");
        int fixed = name.length() - (anyDepth ? 2 : 1);
        if (name.length() > 128 || !(anyDepth || name.endsWith(":*")) || name.lastIndexOf('*', fixed - 1) >= 0
                || fixed < 2 || !allMatch(name.substring(0, fixed), "_.:@/-")) {
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL, "invalid pattern '" + printable(name)
                    + "': a channel name followed by :* (one more segment) or :** (any more), e.g. room:*");
        }
        return new ChannelPattern(name.substring(0, fixed), anyDepth);
    }

    /**
     * Validates what a connection subscribes to: a channel name or, when {@code patterns} (a protocol
     * 1.1 connection), also a wildcard pattern.
     */
    public static String subscription(String name, boolean patterns) {
        if (patterns && pattern(name) != null) {
            return name;
        }
        if (!patterns && name != null && name.indexOf('*') >= 0 && name.length() <= 128) {
            pattern(name); // a malformed pattern says so; a good one is still no channel name in 1.0
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL, "'" + printable(name)
                    + "' is a wildcard pattern: patterns need protocol 1.1 (add v=1.1)");
        }
        return channel(name);
    }

    /**
     * Validates a presence member id (protocol 1.1): 1-128 characters, no control characters;
     * {@code null} or empty is {@code invalid_member} ("name a member").
     */
    public static String member(String id) {
        if (id == null || id.isEmpty()) {
            throw new RealtimeException(ErrorCode.INVALID_MEMBER, "name a presence member (the member parameter or field), or sign in");
        }
        if (id.length() > 128 || id.codePoints().anyMatch(Character::isISOControl)) {
            throw new RealtimeException(ErrorCode.INVALID_MEMBER,
                    "invalid member id '" + printable(id) + "': use 1-128 characters without control characters");
        }
        return id;
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
