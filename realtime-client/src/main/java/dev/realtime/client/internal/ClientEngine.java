package dev.realtime.client.internal;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.MessageListener;
import dev.realtime.client.PresenceListener;
import dev.realtime.client.PresenceMember;
import dev.realtime.client.PresenceMembership;
import dev.realtime.client.PresenceWatch;
import dev.realtime.client.PublishAck;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.StartPosition;
import dev.realtime.client.Subscription;
import dev.realtime.client.Transport;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link dev.realtime.client.RealtimeClient} delegates to: checks the application's calls on its
 * own thread and posts them to the {@link Loop}, where the {@link ConnectionMachine} runs. Owns the
 * client's resources (HTTP client, threads) and the parts both sides use: the listener calls,
 * {@link Publishing} and tickets ({@link TicketAuth}).
 */
public final class ClientEngine {

    private final ClientConfig cfg;
    private final ClientResources resources;
    /** Tickets and the resume token (version 1.1); null without {@code tickets(...)}. */
    private final TicketAuth auth;
    /** The resources' client, which presents tickets when they are on. */
    private final HttpClient http;
    private final Loop loop = new Loop();
    private final ListenerCalls listeners;
    private final Publishing publishing;
    private final ConnectionMachine machine;
    private final Object facadeLock = new Object();
    private final Map<String, Integer> subscriptionCounts = new HashMap<>();
    private volatile boolean closing;

    public ClientEngine(ClientConfig cfg) {
        this.cfg = cfg;
        this.resources = new ClientResources(cfg);
        this.listeners = new ListenerCalls(new Dispatcher(resources.listenerExecutor, cfg.bufferSize(), () -> machine().onListenersDrained()),
                cfg.connectionListener(), new RecentIds(cfg.dedupWindow()));
        this.auth = cfg.tickets() == null ? null : new TicketAuth(cfg.tickets(),
                e -> loop.post(() -> listeners.error(e)), ticket -> loop.post(() -> machine().refreshCredential(ticket)));
        this.http = auth == null ? resources.http : new TicketingHttpClient(resources.http, auth);
        Poller poller = new Poller(http, cfg.base(), cfg.headers(), cfg.readTimeout());
        HttpPublisher publisher = new HttpPublisher(http, cfg.base(), cfg.headers(), cfg.readTimeout(),
                cfg.publishAttempts(), cfg.backoffInitial(), cfg.backoffMax(), loop.executor());
        this.publishing = new Publishing(cfg, publisher, resources.jsonb, loop, () -> closing, () -> machine().openConnection());
        this.machine = new ConnectionMachine(cfg, loop, listeners, http, auth, poller, publishing);
    }

    /** For the callbacks wired in the constructor, which run only once it has returned. */
    private ConnectionMachine machine() {
        return machine;
    }

    // =====================================================================================
    // public operations (any thread)
    // =====================================================================================

    public Subscription subscribe(String channel, StartPosition from, MessageListener listener) {
        Names.subscription(channel);
        if (listener == null || from == null) {
            throw new NullPointerException(listener == null ? "listener" : "from");
        }
        SubscriptionHandle sub = new SubscriptionHandle(channel, listener, this::cancel);
        synchronized (facadeLock) {
            if (closing) {
                throw new IllegalStateException("the client is closed");
            }
            int count = subscriptionCounts.getOrDefault(channel, 0);
            if (count > 0 && from.since() != null) {
                throw new IllegalStateException("channel '" + channel + "' is already subscribed on this client:"
                        + " a start position other than now() is only possible for its first subscription");
            }
            subscriptionCounts.put(channel, count + 1);
        }
        loop.post(() -> machine.addSubscription(sub, from.since()));
        return sub;
    }

    private void cancel(SubscriptionHandle sub) {
        synchronized (facadeLock) {
            if (!sub.active) {
                return;
            }
            sub.active = false;
            subscriptionCounts.computeIfPresent(sub.channel, (c, n) -> n <= 1 ? null : n - 1);
        }
        sub.ready.completeExceptionally(new CancellationException("subscription cancelled"));
        loop.post(() -> machine.removeSubscription(sub));
    }

    /** Every failure, a bad argument included, fails the future with a {@link RealtimeException}. */
    public CompletableFuture<PublishAck> publishJson(String channel, String event, String json, String idempotencyKey) {
        return publishing.publishJson(channel, event, json, idempotencyKey);
    }

    public CompletableFuture<PublishAck> publish(String channel, String event, Object data, String idempotencyKey) {
        return publishing.publish(channel, event, data, idempotencyKey);
    }

    /** Protocol 1.1: joins the channel's presence (see {@link LivePresence}). */
    public PresenceMembership join(String channel, String member, String infoJson) {
        Names.channel(channel);
        requireOpen();
        if (infoJson != null) {
            Json.value(infoJson); // JSON text, checked here
        }
        CompletableFuture<PresenceMembership> m = new CompletableFuture<>();
        loop.post(() -> m.complete(machine.live().join(channel, member, infoJson, loop)));
        return m.join();
    }

    /** Protocol 1.1: watches the channel's presence. */
    public PresenceWatch presence(String channel, PresenceListener listener) {
        Names.channel(channel);
        requireOpen();
        Objects.requireNonNull(listener, "listener");
        CompletableFuture<PresenceWatch> w = new CompletableFuture<>();
        loop.post(() -> w.complete(machine.live().watch(channel, listener, loop)));
        return w.join();
    }

    private void requireOpen() {
        synchronized (facadeLock) {
            if (closing) {
                throw new IllegalStateException("the client is closed");
            }
        }
    }

    /** Protocol 1.1: the HTTP member list. */
    public CompletableFuture<List<PresenceMember>> members(String channel) {
        Names.channel(channel);
        HttpRequest request = Http.withHeaders(HttpRequest.newBuilder(
                        Http.uri(cfg.base(), "presence", List.of(channel), Map.of())), cfg.headers())
                .header("Accept", "application/json").timeout(cfg.readTimeout()).GET().build();
        return http // with the ticket, when the client has one
                .sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw Http.error(r.statusCode(), r.body());
            }
            List<PresenceMember> out = new ArrayList<>();
            for (JsonValue v : Json.object(r.body()).getJsonArray("members")) {
                JsonObject m = v.asJsonObject();
                out.add(new PresenceMember(Json.string(m, "member"), String.valueOf(m.get("info"))));
            }
            return out;
        });
    }

    /** Protocol 1.1: an ephemeral message, over HTTP. */
    public CompletableFuture<PublishAck> publishEphemeral(String channel, String event, Object data) {
        return publishing.publishEphemeral(channel, event, data);
    }

    public String cursor() {
        return machine.channels().latestCursor();
    }

    public ConnectionState state() {
        return machine.state();
    }

    public Transport transport() {
        return machine.stateTransport();
    }

    public void close() {
        synchronized (facadeLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        loop.runLastAndStop(machine::shutdown);
        if (auth != null) {
            auth.close();
        }
        resources.close();
    }

    @Override
    public String toString() {
        Transport t = transport();
        return "RealtimeClient[" + cfg.base() + ", " + state() + (t == null ? "" : " over " + t)
                + ", queued=" + listeners.queued() + "/" + listeners.capacity() + ", cursor=" + cursor() + "]";
    }
}
