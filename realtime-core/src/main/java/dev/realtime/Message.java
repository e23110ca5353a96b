package dev.realtime;

import dev.realtime.protocol.JsonStrings;

import java.util.Objects;

/**
 * A published message, as every transport delivers it:
 * {@code {"channel":"room:42","id":"17","event":"message","data":{...},"ts":1764300000123}}.
 *
 * <p>{@code position} orders messages within their channel; {@link #id()} is its decimal form.
 * {@code data} is the JSON text of the payload, kept compact (no line breaks).
 */
public final class Message {
    private final String channel;
    private final long position;
    private final String event;
    private final String data;
    private final long timestamp;
    /** The message object's JSON, computed once and shared by every subscriber and transport. */
    private volatile String json;

    public Message(String channel, long position, String event, String data, long timestamp) {
        this(channel, event, data, timestamp, position);
        if (position <= 0) {
            throw new IllegalArgumentException("position must be positive: " + position);
        }
    }

    /** Any position, 0 included (ephemeral). */
    private Message(String channel, String event, String data, long timestamp, long position) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.event = Objects.requireNonNull(event, "event");
        this.data = Objects.requireNonNull(data, "data");
        this.position = position;
        this.timestamp = timestamp;
    }

    /**
     * An ephemeral message (protocol 1.1): delivered live to the current subscribers, never stored,
     * so it has no position and no {@code id}; its JSON carries {@code "ephemeral":true}.
     */
    public static Message ephemeral(String channel, String event, String data, long timestamp) {
        return new Message(channel, event, data, timestamp, 0);
    }

    /** Whether this message is ephemeral: no position, no id, not in history. */
    public boolean ephemeral() {
        return position == 0;
    }

    public String channel() {
        return channel;
    }

    /** Position within the channel: positive, increasing in publish order; 0 for an ephemeral message. */
    public long position() {
        return position;
    }

    /** The protocol's {@code id}: the position as a decimal string; null for an ephemeral message. */
    public String id() {
        return position == 0 ? null : Long.toString(position);
    }

    public String event() {
        return event;
    }

    /** The payload as compact JSON text ({@code null} is the text {@code "null"}). */
    public String data() {
        return data;
    }

    /** Server time of publish, epoch milliseconds. */
    public long timestamp() {
        return timestamp;
    }

    /** The protocol's message object as JSON; the inner fields without the braces are {@link #jsonFields()}. */
    public String toJson() {
        return "{" + jsonFields() + "}";
    }

    /** {@code "channel":..,"id":..,"event":..,"data":..,"ts":..} without braces, so transports can add their own fields. */
    public String jsonFields() {
        String j = json;
        if (j == null) {
            StringBuilder b = new StringBuilder(data.length() + channel.length() + event.length() + 64);
            b.append("\"channel\":");
            JsonStrings.append(b, channel);
            if (position > 0) {
                b.append(",\"id\":\"").append(position).append('"');
            }
            b.append(",\"event\":");
            JsonStrings.append(b, event);
            b.append(",\"data\":").append(data).append(",\"ts\":").append(timestamp);
            if (position == 0) {
                b.append(",\"ephemeral\":true");
            }
            json = j = b.toString();
        }
        return j;
    }

    /** Rough heap size, used for outbound queue accounting. */
    public int weight() {
        return jsonFields().length() + 64;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.position == position && m.channel.equals(channel);
    }

    @Override
    public int hashCode() {
        return channel.hashCode() * 31 + Long.hashCode(position);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
