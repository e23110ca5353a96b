package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.protocol.NameRules;
import dev.realtime.spi.ChannelPattern;

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

    /**
     * A wildcard pattern (protocol 1.1: {@code room:*}, {@code room:**}), or null when the name holds
     * no {@code *} (then it is a channel name, to be validated by {@link #channel}). A {@code *}
     * anywhere but a whole last segment after a channel name is {@code invalid_channel}.
     */
    public static ChannelPattern pattern(String name) {
        if (name == null || name.indexOf('*') < 0) {
            return null;
        }
        if (!NameRules.isPattern(name)) {
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL, "invalid pattern '" + printable(name)
                    + "': a channel name followed by :* (one more segment) or :** (any more), e.g. room:*");
        }
        return new ChannelPattern(NameRules.patternPrefix(name), name.endsWith(":**"));
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
