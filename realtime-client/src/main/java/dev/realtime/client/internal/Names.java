package dev.realtime.client.internal;

import static dev.realtime.protocol.NameRules.CHANNEL_RULE;
import static dev.realtime.protocol.NameRules.EVENT_RULE;
import static dev.realtime.protocol.NameRules.IDEMPOTENCY_KEY_RULE;

import dev.realtime.protocol.NameRules;

/**
 * Client-side checks of channel and event names, so a bad name fails at the call site; the rules
 * are {@link NameRules}, shared with the server.
 */
public final class Names {

    private Names() {}

    public static String channel(String channel) {
        if (!NameRules.isChannel(channel)) {
            throw new IllegalArgumentException("invalid channel name: '" + channel + "' (" + CHANNEL_RULE + ")");
        }
        return channel;
    }

    /**
     * What a client may subscribe to: a channel name or (protocol 1.1) a wildcard pattern, a channel
     * name followed by {@code :*} (one more segment) or {@code :**} (any more).
     */
    public static String subscription(String name) {
        return NameRules.isPattern(name) ? name : channel(name);
    }

    /** Whether {@code channel} is one the subscription stands for: itself, or a match of its pattern (the server's rule). */
    public static boolean covers(String subscription, String channel) {
        return NameRules.covers(subscription, channel);
    }

    /** Checks an event name; {@code null} stands for the default {@code message}. */
    public static String event(String event) {
        if (event != null && !NameRules.isEvent(event)) {
            throw new IllegalArgumentException("invalid event name: '" + event + "' (" + EVENT_RULE + ", not "
                    + String.join("/", NameRules.RESERVED_EVENTS) + ")");
        }
        return event;
    }

    /** Checks a caller's idempotency key; {@code null} means the client makes one up. */
    public static String idempotencyKey(String key) {
        if (key != null && !NameRules.isIdempotencyKey(key)) {
            throw new IllegalArgumentException("invalid idempotency key: '" + key + "' (" + IDEMPOTENCY_KEY_RULE + ")");
        }
        return key;
    }
}
