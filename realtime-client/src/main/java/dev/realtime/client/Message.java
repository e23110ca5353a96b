package dev.realtime.client;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A message delivered to a {@link MessageListener}: the same fields on every transport.
 *
 * <p>{@link #data()} is the published JSON value as raw JSON text (for example {@code
 * {"text":"hi"}}, {@code "hello"} or {@code null}); {@link #dataAs(Class)} binds it with JSON-B.
 */
public final class Message {

    private final String channel;
    private final String id;
    private final String event;
    private final String data;
    private final long ts;
    private final String cursor;

    public Message(String channel, String id, String event, String data, long ts) {
        this(channel, id, event, data, ts, null);
    }

    /** A message with the cursor that stands right after it ({@code null} if none). */
    public Message(String channel, String id, String event, String data, long ts, String cursor) {
        this(channel, Objects.requireNonNull(id, "id"), event, data, ts, cursor, true);
    }

    private Message(String channel, String id, String event, String data, long ts, String cursor, boolean any) {
        this.cursor = cursor;
        this.channel = Objects.requireNonNull(channel, "channel");
        this.id = id;
        this.event = event == null ? "message" : event;
        this.data = data == null ? "null" : data;
        this.ts = ts;
    }

    /**
     * An ephemeral message (protocol 1.1): delivered live to the current subscribers, never stored or
     * replayed; it has no id and no cursor.
     */
    public static Message ephemeral(String channel, String event, String data, long ts) {
        return new Message(channel, null, event, data, ts, null, true);
    }

    /** Whether it is an ephemeral message ({@link #id()} is then {@code null}). */
    public boolean ephemeral() {
        return id == null;
    }

    /** The channel it was published on (also when a wildcard subscription delivered it). */
    public String channel() {
        return channel;
    }

    /** The message id: opaque, unique within the channel. */
    public String id() {
        return id;
    }

    /** The event name, {@code message} unless the publisher named another. */
    public String event() {
        return event;
    }

    /** The data as raw JSON text. */
    public String data() {
        return data;
    }

    /** Server time of publish, epoch milliseconds. */
    public long ts() {
        return ts;
    }

    /**
     * The cursor that stands right after this message on the client's connection, or {@code
     * null} when no single cursor does (inside a long-poll batch, while a channel catches up, or
     * before every subscription is live). Saved once the message is <em>handled</em>, it is a
     * safe checkpoint: {@link StartPosition#after} it on the same channels resumes with the next
     * message and loses nothing; keep the last non-{@code null} one (messages handled since then
     * are delivered again after a restart, so handling should be idempotent).
     * {@link RealtimeClient#cursor()} is no checkpoint: it runs ahead of the listener.
     */
    public String cursor() {
        return cursor;
    }

    /** Binds {@link #data()} to {@code type} with a default JSON-B instance. */
    public <T> T dataAs(Class<T> type) {
        return DefaultJsonb.INSTANCE.fromJson(data, type);
    }

    /** Binds {@link #data()} to a generic {@code type} (e.g. a {@code List<Foo>}). */
    public <T> T dataAs(Type type) {
        return DefaultJsonb.INSTANCE.fromJson(data, type);
    }

    /** Binds {@link #data()} to {@code type} with the given JSON-B instance. */
    public <T> T dataAs(Class<T> type, Jsonb jsonb) {
        return jsonb.fromJson(data, type);
    }

    @Override
    public String toString() {
        return "Message[channel=" + channel + ", id=" + id + ", event=" + event + ", ts=" + ts
                + (cursor == null ? "" : ", cursor=" + cursor) + ", data=" + data + "]";
    }

    private static final class DefaultJsonb {
        static final Jsonb INSTANCE = JsonbBuilder.create();
    }
}
