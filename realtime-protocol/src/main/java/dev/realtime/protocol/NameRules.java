package dev.realtime.protocol;

import java.util.Set;

/**
 * The protocol's rules for channel names, event names and idempotency keys (docs/wire-protocol-v1.md,
 * "Channels" and "Message"). Each side turns a broken rule into its own error: the server into a
 * protocol error code, the Java client into an exception at the call site.
 */
public final class NameRules {
    public static final int CHANNEL_MAX_LENGTH = 128;
    public static final int EVENT_MAX_LENGTH = 64;
    public static final int IDEMPOTENCY_KEY_MAX_LENGTH = 128;
    /** Event names the transports use themselves (SSE event types, client events). */
    public static final Set<String> RESERVED_EVENTS = Set.of("gap", "error", "open", "close", "heartbeat");
    /** The event of a message published without one. */
    public static final String DEFAULT_EVENT = "message";
    /** The rules in words, for error messages. */
    public static final String CHANNEL_RULE = "1-128 characters of A-Z a-z 0-9 _ . : @ / -";
    public static final String EVENT_RULE = "1-64 characters of A-Z a-z 0-9 _ . : -";
    public static final String IDEMPOTENCY_KEY_RULE = "1-128 characters of A-Z a-z 0-9 _ . : -";

    private NameRules() {
    }

    public static boolean isChannel(String name) {
        return fits(name, CHANNEL_MAX_LENGTH, "_.:@/-");
    }

    /** Whether {@code name} has an event name's length and alphabet (reserved names included). */
    public static boolean isEventSyntax(String name) {
        return fits(name, EVENT_MAX_LENGTH, "_.:-");
    }

    public static boolean isReservedEvent(String name) {
        return RESERVED_EVENTS.contains(name);
    }

    /** Whether a publisher may use {@code name} as its event. */
    public static boolean isEvent(String name) {
        return isEventSyntax(name) && !isReservedEvent(name);
    }

    public static boolean isIdempotencyKey(String key) {
        return fits(key, IDEMPOTENCY_KEY_MAX_LENGTH, "_.:-");
    }

    /**
     * A wildcard pattern (protocol 1.1): a channel name ending in {@code :} followed by {@code *} (one
     * more segment) or {@code **} (any more), e.g. {@code room:*}; at most as long as a channel name.
     */
    public static boolean isPattern(String name) {
        if (name == null || name.length() > CHANNEL_MAX_LENGTH || !(name.endsWith(":*") || name.endsWith(":**"))) {
            return false;
        }
        String prefix = patternPrefix(name);
        return prefix.length() >= 2 && isChannel(prefix);
    }

    /** What every channel a pattern covers starts with, e.g. {@code room:} for {@code room:*}. */
    public static String patternPrefix(String pattern) {
        return pattern.substring(0, pattern.length() - (pattern.endsWith(":**") ? 2 : 1));
    }

    /** Whether {@code channel} is one {@code subscription} stands for: itself, or a channel its pattern covers. */
    public static boolean covers(String subscription, String channel) {
        if (subscription.equals(channel)) {
            return true;
        }
        boolean anyDepth = subscription.endsWith(":**");
        if (!anyDepth && !subscription.endsWith(":*")) {
            return false;
        }
        String prefix = patternPrefix(subscription);
        return channel.length() > prefix.length() && channel.startsWith(prefix)
                && (anyDepth || channel.indexOf(':', prefix.length()) < 0);
    }

    /** 1 to {@code max} characters of ASCII letters, digits and {@code extra}. */
    private static boolean fits(String s, int max, String extra) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
