package dev.realtime.client;

import dev.realtime.client.internal.ClientConfig;
import dev.realtime.client.internal.ClientEngine;
import jakarta.json.bind.Jsonb;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A client of a realtime server for Java services: subscribe to channels over WebSocket, SSE or
 * long-polling, and publish.
 *
 * <pre>{@code
 * try (RealtimeClient client = RealtimeClient.builder(URI.create("http://localhost:8080/app/realtime"))
 *         .transport(Transport.AUTO)
 *         .header("Authorization", "Bearer " + token)
 *         .build()) {
 *     Subscription s = client.subscribe("room:42", new MessageListener() {
 *         public void onMessage(Message m) { System.out.println(m.event() + " " + m.data()); }
 *         public void onGap(String channel) { reload(channel); } // default: logged at WARNING
 *     });
 *     s.ready().join();
 *     PublishAck ack = client.publish("room:42", Map.of("text", "hi")).join();
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> One connection carries every subscription of a client. The client keeps
 * the latest cursor the server handed out and resumes from it after every reconnect, transport
 * fallback or change of subscriptions, so no message is lost while the server still holds it; when
 * the server cannot replay everything it reports a gap ({@link MessageListener#onGap}). A message
 * is never delivered twice to a listener (the ids of the last {@code dedupWindow} messages of each
 * channel are remembered). Reconnects wait an exponential backoff with jitter.
 *
 * <p><b>Listeners and backpressure.</b> Listeners run on the listener executor (by default one
 * thread owned by the client), one callback at a time, in order, never on an I/O thread. Callbacks
 * wait in a buffer of {@code bufferSize} entries. When it is full, the client closes the connection
 * instead of reading further, lets the listeners work the buffer down to half, then reconnects from
 * the cursor of the last message it buffered: nothing is lost or repeated, a slow listener only
 * delays its own messages, and the server never holds a stalled connection.
 *
 * <p>Thread-safe. {@link #close()} releases the connection and the client's threads (see there).
 */
public final class RealtimeClient implements AutoCloseable {

    private final ClientEngine engine;
    private final URI base;

    private RealtimeClient(ClientConfig config) {
        this.engine = new ClientEngine(config);
        this.base = config.base();
    }

    /**
     * A builder for a client of the server whose realtime base is {@code base}, for example
     * {@code http://host:8080/app/realtime} (the web application's context path plus the realtime
     * base path).
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** Subscribes to {@code channel} from now on. */
    public Subscription subscribe(String channel, MessageListener listener) {
        return engine.subscribe(channel, StartPosition.now(), listener);
    }

    /**
     * Subscribes to {@code channel} starting at {@code from}: {@link StartPosition#earliest()} for all
     * retained history, or {@link StartPosition#after(String)} a cursor. A start position other than
     * now is only accepted for the first subscription of a channel on this client.
     *
     * @throws IllegalArgumentException for an invalid channel name
     * @throws IllegalStateException when the client is closed, or {@code from} is not now and the
     *     channel is already subscribed
     */
    public Subscription subscribe(String channel, StartPosition from, MessageListener listener) {
        return engine.subscribe(channel, from, listener);
    }

    /**
     * Publishes {@code data} serialised with JSON-B as the data of a {@code message} event. A
     * {@code String} is published as a JSON string; use {@link #publishJson(String, String)} for JSON
     * text.
     *
     * <p>All publish methods report every failure through the future, never by throwing: it fails
     * with a {@link RealtimeException} whose {@link RealtimeException#code() code} is the
     * protocol's ({@code invalid_channel}, {@code invalid_event}, {@code invalid_json}, {@code
     * invalid_idempotency_key}, {@code forbidden}, ...) or the client's ({@code unavailable} after
     * the last attempt, with the I/O error as cause; {@code closed}).
     */
    public CompletableFuture<PublishAck> publish(String channel, Object data) {
        return engine.publish(channel, null, data, null);
    }

    /** Publishes {@code data} serialised with JSON-B with the event name {@code event} ({@code null}: message). */
    public CompletableFuture<PublishAck> publish(String channel, String event, Object data) {
        return engine.publish(channel, event, data, null);
    }

    /**
     * Publishes with the caller's {@code idempotencyKey} (1-128 characters of {@code
     * [A-Za-z0-9_.:-]}; {@code null}: the client makes one up). The server publishes a key once per
     * channel within its idempotency window, so a service that retries after its own crash (an
     * outbox) does not publish twice.
     */
    public CompletableFuture<PublishAck> publish(String channel, String event, Object data, String idempotencyKey) {
        return engine.publish(channel, event, data, idempotencyKey);
    }

    /**
     * Publishes {@code json}, which must be JSON text (checked before sending), as the data of a
     * {@code message} event.
     */
    public CompletableFuture<PublishAck> publishJson(String channel, String json) {
        return engine.publishJson(channel, null, json, null);
    }

    /** Publishes the JSON text {@code json} with the event name {@code event}. */
    public CompletableFuture<PublishAck> publishJson(String channel, String event, String json) {
        return engine.publishJson(channel, event, json, null);
    }

    /** Publishes the JSON text {@code json} with the caller's {@code idempotencyKey}, as {@link #publish(String, String, Object, String)}. */
    public CompletableFuture<PublishAck> publishJson(String channel, String event, String json, String idempotencyKey) {
        return engine.publishJson(channel, event, json, idempotencyKey);
    }

    /**
     * Subscribes to a wildcard pattern (protocol 1.1): {@code room:*} delivers the messages of every
     * channel {@code room:<one segment>}, {@code room:**} of every longer channel; {@link Message#channel()}
     * is the real channel. {@code subscribe} accepts patterns wherever it accepts channels.
     */
    public Subscription subscribePattern(String pattern, StartPosition from, MessageListener listener) {
        return engine.subscribe(pattern, from, listener);
    }

    /**
     * Publishes an ephemeral message (protocol 1.1; typing indicators, live cursors): delivered live
     * to the current 1.1 subscribers, never stored or replayed; the ack's id is {@code null}. Sent over
     * HTTP; a retry after a lost answer may deliver it twice.
     */
    public CompletableFuture<PublishAck> publishEphemeral(String channel, String event, Object data) {
        return engine.publishEphemeral(channel, event, data);
    }

    /**
     * Joins the channel's presence (protocol 1.1) as {@code member} (the server uses the
     * authenticated user instead when it has one) with {@code infoJson} (small JSON text, or
     * {@code null}); held across reconnects until {@link PresenceMembership#leave()}. Over SSE and
     * long-polling all joins of a client carry the member and info of its first join. A refusal
     * (a full channel, a refused member) reaches the connection listener's {@code onError}.
     */
    public PresenceMembership join(String channel, String member, String infoJson) {
        return engine.join(channel, member, infoJson);
    }

    /** Watches the channel's presence (protocol 1.1): a {@code sync}, then every change; close the watch to stop. */
    public PresenceWatch presence(String channel, PresenceListener listener) {
        return engine.presence(channel, listener);
    }

    /** The channel's members now (protocol 1.1), over plain HTTP ({@code GET {base}/presence}). */
    public CompletableFuture<java.util.List<PresenceMember>> members(String channel) {
        return engine.members(channel);
    }

    /**
     * The latest cursor received from the server ({@code null} before the first one). It covers the
     * channels subscribed when it was issued and can be handed to {@link StartPosition#after} on
     * any client and transport. It runs ahead of the listeners (it covers what is buffered, not
     * what was handled): for a checkpoint use {@link Message#cursor()}.
     */
    public String cursor() {
        return engine.cursor();
    }

    /** The connection state. */
    public ConnectionState state() {
        return engine.state();
    }

    /** The transport in use or being tried ({@code null} when idle or closed). */
    public Transport transport() {
        return engine.transport();
    }

    /** The base URI the client talks to. */
    public URI base() {
        return base;
    }

    /**
     * Closes the connection and stops the client's threads (I/O loop, own listener thread; a
     * running callback gets up to 2 s) before it returns; subscriptions end, pending WebSocket
     * publishes fail with {@code closed}. The threads of the HTTP client it created end within a
     * second once idle (the JDK finishes the cancelled exchange on them); that client is shut down
     * on JDK 21+; on JDK 17 its selector thread ends once this client is garbage. An {@code HttpClient} or executor passed to the builder is not shut
     * down. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    /** State, transport, listener queue depth and position, for logs. */
    @Override
    public String toString() {
        return engine.toString();
    }

    /** Configures a {@link RealtimeClient}. */
    public static final class Builder {

        private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect",
                "host", "upgrade", "accept", "content-type", "idempotency-key", "last-event-id", "realtime-ticket");

        private final URI base;
        private Transport transport = Transport.AUTO;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(45);
        private Duration pollTimeout = Duration.ofSeconds(25);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Executor executor;
        private ConnectionListener connectionListener;
        private int bufferSize = 1024;
        private int dedupWindow = 1000;
        private Duration backoffInitial = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private int publishAttempts = 5;
        private PublishMode publishMode = PublishMode.HTTP;
        private HttpClient httpClient;
        private Jsonb jsonb;
        private TicketSource tickets;

        private Builder(URI base) {
            Objects.requireNonNull(base, "base");
            String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("base must be an http or https URI: " + base);
            }
            if (base.getRawQuery() != null || base.getRawFragment() != null) {
                throw new IllegalArgumentException("base must not have a query or fragment: " + base);
            }
            String s = base.toString();
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            this.base = URI.create(s);
        }

        /** The transport; {@link Transport#AUTO} (the default) falls back from WebSocket to SSE to long-polling. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** How long opening a TCP connection or a WebSocket may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a connection may stay silent before it is considered dead and reopened (default
         * 45 s; the server sends heartbeats every 15 s on SSE and pings every 25 s on WebSocket). On
         * WebSocket the client sends a {@code ping} frame after half of it. For long-polling it is
         * the margin added to the poll timeout, and it is also the timeout of a publish request.
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** The {@code timeout} a long-poll asks the server for (default 25 s). */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = positive(timeout, "pollTimeout");
            return this;
        }

        /** A header sent with every request and WebSocket handshake, e.g. {@code Authorization}. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))
                    || name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-")) {
                throw new IllegalArgumentException("the client sets the header " + name + " itself");
            }
            headers.put(name, value);
            return this;
        }

        /**
         * The executor that runs listener callbacks (default: one daemon thread owned by the
         * client). Callbacks stay serial and ordered whatever the executor.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Receives connection state changes and connection errors. */
        public Builder connectionListener(ConnectionListener listener) {
            this.connectionListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How many callbacks may wait for the listeners (default 1024). When the buffer is full
         * the client stops reading: it closes the connection and resumes from its cursor once the
         * buffer is down to half.
         */
        public Builder bufferSize(int size) {
            if (size < 2) {
                throw new IllegalArgumentException("bufferSize must be at least 2: " + size);
            }
            this.bufferSize = size;
            return this;
        }

        /** How many recent message ids per channel are remembered to drop duplicates (default 1000). */
        public Builder dedupWindow(int ids) {
            if (ids < 1) {
                throw new IllegalArgumentException("dedupWindow must be at least 1: " + ids);
            }
            this.dedupWindow = ids;
            return this;
        }

        /**
         * Reconnect delays: the n-th consecutive delay is drawn between half and all of {@code
         * min(max, initial * 2^n)} (defaults 500 ms and 30 s). Also used between publish retries.
         */
        public Builder backoff(Duration initial, Duration max) {
            positive(initial, "initial");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff is below the initial one");
            }
            this.backoffInitial = initial;
            this.backoffMax = max;
            return this;
        }

        /** How many times an HTTP publish is attempted in all (default 5; 1 = no retry). */
        public Builder publishAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("publishAttempts must be at least 1: " + attempts);
            }
            this.publishAttempts = attempts;
            return this;
        }

        /** Whether publishes use HTTP (default) or the open WebSocket. */
        public Builder publishMode(PublishMode mode) {
            this.publishMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * The JDK HTTP client to use, for example one with an {@code SSLContext} (default: an
         * HTTP/1.1 client with the connect timeout). Its connection pool is shared by all requests.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The JSON-B instance that serialises {@link #publish(String, Object)} data. */
        public Builder jsonb(Jsonb jsonb) {
            this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
            return this;
        }

        /**
         * Authenticates with connection tickets from {@code source} (see {@link TicketSource}) instead
         * of a long-lived header: the client presents a ticket (then the server's resume token) in the
         * {@code Realtime-Ticket} header of every request and handshake, refreshes its credential
         * before it expires (in place on WebSocket, with the next request on SSE and long-polling),
         * and reconnects from its cursor with a new ticket when the server ends an expired one.
         */
        public Builder tickets(TicketSource source) {
            this.tickets = Objects.requireNonNull(source, "source");
            return this;
        }

        public RealtimeClient build() {
            return new RealtimeClient(new ClientConfig(base, transport, connectTimeout, readTimeout, pollTimeout,
                    Collections.unmodifiableMap(new LinkedHashMap<>(headers)), executor, connectionListener,
                    bufferSize, dedupWindow, backoffInitial, backoffMax, publishAttempts, publishMode, httpClient,
                    jsonb, tickets));
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
