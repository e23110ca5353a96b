package dev.realtime.client;

import java.util.List;

/**
 * A change of a channel's presence (protocol 1.1). {@code sync} carries the whole list in
 * {@link #members()}; {@code join}, {@code update} and {@code leave} one {@link #member()} (and its
 * {@link #info()} as JSON text, {@code null} for a leave).
 */
public record PresenceEvent(String channel, String action, String member, String info, List<PresenceMember> members, long ts) {}
