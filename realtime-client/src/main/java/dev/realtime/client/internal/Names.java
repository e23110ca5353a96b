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
