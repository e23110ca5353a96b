package dev.realtime.client.internal;

import java.util.Set;
import java.util.regex.Pattern;

/** Client-side checks of channel and event names, so a bad name fails at the call site. */
public final class Names {

    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.:@/-]{1,128}");
    private static final Pattern EVENT = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Set<String> RESERVED = Set.of("gap", "error", "open", "close", "heartbeat");

    private Names() {}

    public static String channel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("invalid channel name: '" + channel
                    + "' (1-128 characters of A-Z a-z 0-9 _ . : @ / -)");
        }
        return channel;
    }

    /**
     * What a client may subscribe to: a channel name or (protocol 1.1) a wildcard pattern, a channel
     * name followed by {@code :*} (one more segment) or {@code :**} (any more).
     */
    public static String subscription(String name) {
        if (name != null && name.length() <= 128 && (name.endsWith(":*") || name.endsWith(":**"))) {
            String prefix = name.substring(0, name.length() - (name.endsWith(":**") ? 2 : 1));
            if (prefix.length() >= 2 && CHANNEL.matcher(prefix).matches()) {
                return name;
            }
        }
        return channel(name);
    }

    /** Whether {@code channel} is one the subscription stands for: itself, or a match of its pattern (the server's rule). */
    public static boolean covers(String subscription, String channel) {
        if (subscription.equals(channel)) {
            return true;
        }
        boolean anyDepth = subscription.endsWith(":**");
        if (!anyDepth && !subscription.endsWith(":*")) {
            return false;
        }
        String prefix = subscription.substring(0, subscription.length() - (anyDepth ? 2 : 1));
        return channel.length() > prefix.length() && channel.startsWith(prefix) && (anyDepth || channel.indexOf(':', prefix.length()) < 0);
    }

    /** Checks an event name; {@code null} stands for the default {@code message}. */
    public static String event(String event) {
        if (event == null) {
            return null;
        }
        if (!EVENT.matcher(event).matches() || RESERVED.contains(event)) {
            throw new IllegalArgumentException("invalid event name: '" + event
                    + "' (1-64 characters of A-Z a-z 0-9 _ . : -, not gap/error/open/close/heartbeat)");
        }
        return event;
    }

    /** Checks a caller's idempotency key; {@code null} means the client makes one up. */
    public static String idempotencyKey(String key) {
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid idempotency key: '" + key
                    + "' (1-128 characters of A-Z a-z 0-9 _ . : -)");
        }
        return key;
    }
}
