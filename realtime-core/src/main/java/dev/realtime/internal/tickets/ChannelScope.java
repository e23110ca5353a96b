package dev.realtime.internal.tickets;

import dev.realtime.internal.Names;

import java.util.List;

/**
 * The channels a ticket lets its connection subscribe to: exact names, or prefixes written
 * {@code name*} (a channel name never holds {@code *}). Empty: the ticket does not restrict.
 */
public record ChannelScope(List<String> entries) {
    public static final ChannelScope ANY = new ChannelScope(List.of());

    public ChannelScope {
        entries = List.copyOf(entries);
    }

    /** Checks each entry; a bad one is an {@link IllegalArgumentException} for the issuing application. */
    static ChannelScope of(List<String> entries) {
        for (String e : entries) {
            String name = e.endsWith("*") ? e.substring(0, e.length() - 1) : e;
            if (e.endsWith("*") && name.isEmpty()) {
                continue; // "*": any channel
            }
            try {
                Names.channel(name);
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("not a channel name or prefix: " + e);
            }
        }
        return new ChannelScope(entries);
    }

    public boolean allows(String channel) {
        if (entries.isEmpty()) {
            return true;
        }
        for (String e : entries) {
            if (e.endsWith("*") ? channel.startsWith(e.substring(0, e.length() - 1)) : channel.equals(e)) {
                return true;
            }
        }
        return false;
    }
}
