package dev.realtime;

import java.util.function.Consumer;

/**
 * What application code uses to push messages without HTTP. One instance per web application,
 * kept in the {@code ServletContext} attribute {@link #ATTRIBUTE}:
 *
 * <pre>{@code
 * Realtime realtime = (Realtime) servletContext.getAttribute(Realtime.ATTRIBUTE);
 * realtime.publish("room:42", Map.of("text", "hello"));
 * }</pre>
 */
public interface Realtime {

    /** The ServletContext attribute that holds the web application's instance. */
    String ATTRIBUTE = "dev.realtime.Realtime";

    /**
     * A ServletContext attribute the application may set, before realtime starts, to a Micrometer
     * {@code MeterRegistry}: realtime registers its meters there. Without it (and without
     * {@link #bindMeterRegistry}) they go to Micrometer's global registry, when Micrometer is on the
     * class path. See README, "Monitoring".
     */
    String METER_REGISTRY_ATTRIBUTE = "dev.realtime.MeterRegistry";

    /** Publishes {@code data}, serialised with JSON-B, as event {@code message}. */
    default Message publish(String channel, Object data) {
        return publish(channel, "message", data);
    }

    /** Publishes {@code data}, serialised with JSON-B, under the given event name. */
    Message publish(String channel, String event, Object data);

    /** Publishes a payload that is already JSON text. */
    Message publishJson(String channel, String event, String json);

    /**
     * Publishes an ephemeral message (protocol 1.1; typing indicators, live cursors): delivered live to
     * the current 1.1 subscribers on every node, never stored, never replayed; it has no id.
     *
     * <pre>{@code realtime.publishEphemeral("room:42", "typing", Map.of("user", "ann"));}</pre>
     */
    Message publishEphemeral(String channel, String event, Object data);

    /** The channel's presence members (protocol 1.1) across every node, in no particular order. */
    java.util.List<PresenceMember> members(String channel);

    /**
     * Sees every message published on the channel from now on (through this node's bus), in order.
     * The observer runs on the publishing thread and must return quickly. Close the handle to stop.
     */
    AutoCloseable observe(String channel, Consumer<Message> observer);

    /**
     * Adds a hook that sees every publish coming from a client (over HTTP or WebSocket) before it is
     * published, and may refuse it by throwing {@link RealtimeException}, e.g.
     * {@code new RealtimeException(ErrorCode.FORBIDDEN, "read-only channel")}.
     */
    void addPublishHook(PublishHook hook);

    /**
     * Moves realtime's meters to this Micrometer registry (from the one they were in). The parameter
     * is an {@code io.micrometer.core.instrument.MeterRegistry}, typed {@code Object} so that this
     * interface loads where Micrometer is absent.
     *
     * @throws IllegalArgumentException when {@code registry} is not a {@code MeterRegistry}
     * @throws IllegalStateException    when Micrometer is not on the library's class path
     */
    void bindMeterRegistry(Object registry);

    /**
     * Issues a connection ticket: a signed, single-use string a browser (or any client) presents when
     * it connects, instead of a long-lived credential. Call it from an endpoint the application's own
     * security protects, for the user it authenticated; see README, "Browser authentication".
     *
     * @throws IllegalArgumentException for a blank user or an invalid channel name or prefix
     */
    String issueTicket(TicketRequest request);

    /**
     * Adds a listener of connections, subscriptions and publishes (see {@link RealtimeListener}).
     * Close the handle to remove it.
     */
    default AutoCloseable addListener(RealtimeListener listener) {
        throw new UnsupportedOperationException(getClass().getName() + " takes no listeners");
    }
}
