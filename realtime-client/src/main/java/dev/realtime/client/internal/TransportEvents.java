package dev.realtime.client.internal;

import dev.realtime.client.Message;
import java.util.List;

/**
 * What a transport connection reports. Called on I/O threads, in the order things arrived; the
 * engine moves each call onto its own thread and ignores calls from a connection it closed.
 */
interface TransportEvents {

    /** The connection is open: for SSE, the first bytes of the stream were read. */
    void opened();

    /** WebSocket: the subscription of {@code channel} is live ({@code cursor} if the server sent one). */
    void subscribed(String channel, String cursor);

    /** A message with the cursor that resumes after it ({@code null} if none). */
    void message(Message message, String cursor);

    /** A gap notice. */
    void gap(String channel);

    /** A cursor without a message (an SSE {@code id:}-only block). */
    void cursor(String cursor);

    /** One long-poll answer. */
    void batch(List<String> gaps, List<Message> messages, String cursor);

    /** WebSocket {@code ack}. */
    void ack(String ref, String channel, String id);

    /** WebSocket {@code error} frame. */
    void frameError(String ref, String channel, String code, String message);

    /** The server's resume token and the milliseconds until the credential expires (version 1.1). */
    default void authenticated(String token, long expiresInMillis) {}

    /** A presence event (protocol 1.1) of a channel the client watches. */
    default void presence(jakarta.json.JsonObject event) {}

    /** Bytes arrived (heartbeats, pings). */
    void activity();

    /**
     * The connection ended or could not be opened. {@code refused} means the server answered in
     * a way that shows this transport does not work there (a reason to fall back).
     */
    void failed(Throwable cause, boolean refused);
}
