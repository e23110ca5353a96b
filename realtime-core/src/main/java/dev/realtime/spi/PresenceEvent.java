package dev.realtime.spi;

import dev.realtime.protocol.JsonStrings;

import java.util.Objects;

/**
 * One change of a channel's presence (protocol 1.1): a member joined, left or changed its info.
 *
 * @param action    {@link #JOIN}, {@link #UPDATE} or {@link #LEAVE}
 * @param info      the member's info as compact JSON text ({@code null} for a leave)
 * @param timestamp server time of the change, epoch milliseconds
 */
public record PresenceEvent(String channel, String action, String member, String info, long timestamp) {
    public static final String JOIN = "join";
    public static final String UPDATE = "update";
    public static final String LEAVE = "leave";

    public PresenceEvent {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(member, "member");
        if (!action.equals(JOIN) && !action.equals(UPDATE) && !action.equals(LEAVE)) {
            throw new IllegalArgumentException("unknown presence action: " + action);
        }
        if (info == null && !action.equals(LEAVE)) {
            throw new IllegalArgumentException("a " + action + " carries info");
        }
    }

    /** The event's JSON object without braces: {@code "channel":..,"action":..,"member":..,"info":..,"ts":..}. */
    public String jsonFields() {
        StringBuilder b = new StringBuilder(64 + member.length() + (info == null ? 0 : info.length()));
        b.append("\"channel\":");
        JsonStrings.append(b, channel);
        b.append(",\"action\":\"").append(action).append("\",\"member\":");
        JsonStrings.append(b, member);
        if (info != null) {
            b.append(",\"info\":").append(info);
        }
        return b.append(",\"ts\":").append(timestamp).toString();
    }
}
