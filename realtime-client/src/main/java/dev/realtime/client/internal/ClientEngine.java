package dev.realtime.client.internal;

import dev.realtime.client.ConnectionListener;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.Message;
import dev.realtime.client.MessageListener;
import dev.realtime.client.PublishAck;
import dev.realtime.client.PublishMode;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.StartPosition;
import dev.realtime.client.Subscription;
import dev.realtime.client.Transport;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's state machine. Every piece of mutable state is confined to one thread (the
 * "loop", a single-threaded scheduler): transports, timers and public calls post work to it.
 * Listener callbacks leave it through the {@link Dispatcher}.
 */
public final class ClientEngine {

    private static final System.Logger LOG = System.getLogger(ClientEngine.class.getName());
    private static final List<Transport> AUTO_ORDER = List.of(Transport.WEBSOCKET, Transport.SSE, Transport.LONG_POLLING);
    /** Consecutive failures to open one transport after which AUTO tries the next. */
    private static final int OPEN_FAILURES_BEFORE_FALLBACK = 3;

    private final ClientConfig cfg;
    private final HttpClient http;
    /** The client the engine made itself, shut down on close; {@link #http} wraps it when tickets are on. */
    private final HttpClient ownHttp;
    /** Tickets and the resume token (version 1.1); null without {@code tickets(...)}. */
    private final TicketAuth auth;
    private final ScheduledExecutorService loop;
    private final ExecutorService ownListenerExecutor;
    private final ExecutorService ownHttpExecutor;
    private final Dispatcher dispatcher;
    private final Poller poller;
    private final HttpPublisher publisher;
    private final Jsonb jsonb;
    private final boolean ownJsonb;
    private final Object facadeLock = new Object();
    private final Map<String, Integer> subscriptionCounts = new HashMap<>();
    private volatile boolean closing;

    // ---- loop-confined state ----
    private final Map<String, ChannelState> channels = new LinkedHashMap<>();
    private final ResumeState resume = new ResumeState();
    private final RecentIds recent;
    private final Backoff backoff;
    private int transportIndex;
    private int openFailures;
    private TransportConnection conn;
    private Transport connTransport;
    private List<String> connChannels = List.of();
    private String connSince;
    private boolean connOpen;
    private volatile long generation;
    private final Set<String> live = new LinkedHashSet<>();
    private ScheduledFuture<?> reconnectTask;
    private ScheduledFuture<?> watchdog;
    private ScheduledFuture<?> upgradeTask;
    private WebSocketProbe probe;
    private final Backoff upgradeBackoff;
    private boolean restartPending;
    private boolean pausedForBackpressure;
    private boolean closed;
    private final Map<String, PendingPublish> pendingWsPublishes = new HashMap<>();
    private long refs;
    private final List<ChannelState> catchUpsWaitingForDrain = new ArrayList<>();

    // ---- read from any thread ----
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile ConnectionState state = ConnectionState.IDLE;
    private volatile Transport stateTransport;
    private volatile String latestCursor;

    public ClientEngine(ClientConfig cfg) {
        this.cfg = cfg;
        if (cfg.httpClient() != null) {
            this.ownHttp = cfg.httpClient();
            this.ownHttpExecutor = null;
        } else {
            // our own executor, so close() can stop the HTTP client's worker threads
            this.ownHttpExecutor = Executors.newCachedThreadPool(daemon("realtime-client-http"));
            this.ownHttp = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(cfg.connectTimeout())
                    .executor(ownHttpExecutor)
                    .build();
        }
        this.auth = cfg.tickets() == null ? null
                : new TicketAuth(cfg.tickets(), this::reportError, ticket -> post(() -> refreshCredential(ticket)));
        this.http = auth == null ? ownHttp : new TicketingHttpClient(ownHttp, auth);
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("realtime-client-io"));
        if (cfg.listenerExecutor() != null) {
            this.ownListenerExecutor = null;
            this.dispatcher = new Dispatcher(cfg.listenerExecutor(), cfg.bufferSize(), this::onListenersDrained);
        } else {
            this.ownListenerExecutor = Executors.newSingleThreadExecutor(daemon("realtime-client-listener"));
            this.dispatcher = new Dispatcher(ownListenerExecutor, cfg.bufferSize(), this::onListenersDrained);
        }
        this.poller = new Poller(http, cfg.base(), cfg.headers(), cfg.readTimeout());
        this.publisher = new HttpPublisher(http, cfg.base(), cfg.headers(), cfg.readTimeout(), cfg.publishAttempts(),
                cfg.backoffInitial(), cfg.backoffMax(), loop);
        this.ownJsonb = cfg.jsonb() == null;
        this.jsonb = ownJsonb ? JsonbBuilder.create() : cfg.jsonb();
        this.recent = new RecentIds(cfg.dedupWindow());
        this.backoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
        this.upgradeBackoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
        this.transportIndex = cfg.transport() == Transport.AUTO ? 0 : AUTO_ORDER.indexOf(cfg.transport());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // =====================================================================================
    // public operations (any thread)
    // =====================================================================================

    public Subscription subscribe(String channel, StartPosition from, MessageListener listener) {
        Names.channel(channel);
        if (listener == null || from == null) {
            throw new NullPointerException(listener == null ? "listener" : "from");
        }
        SubscriptionImpl sub = new SubscriptionImpl(channel, listener);
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
        post(() -> addSubscription(sub, from.since()));
        return sub;
    }

    /** Every failure, a bad argument included, fails the future with a {@link RealtimeException}. */
    public CompletableFuture<PublishAck> publishJson(String channel, String event, String json, String idempotencyKey) {
        if (json == null) {
            return failed(ErrorCodes.INVALID_JSON, "json is null", null);
        }
        try {
            Json.value(json);
        } catch (RuntimeException e) {
            return failed(ErrorCodes.INVALID_JSON, "not a JSON value: " + json, e);
        }
        return send(channel, event, json, idempotencyKey);
    }

    public CompletableFuture<PublishAck> publish(String channel, String event, Object data, String idempotencyKey) {
        String json;
        try {
            json = jsonb.toJson(data);
        } catch (RuntimeException e) {
            return failed(ErrorCodes.INVALID_JSON, "JSON-B cannot serialise " + data, e);
        }
        return send(channel, event, json, idempotencyKey);
    }

    private CompletableFuture<PublishAck> send(String channel, String event, String json, String idempotencyKey) {
        String code = ErrorCodes.INVALID_CHANNEL;
        try {
            Names.channel(channel);
            code = ErrorCodes.INVALID_EVENT;
            Names.event(event);
            code = ErrorCodes.INVALID_IDEMPOTENCY_KEY;
            Names.idempotencyKey(idempotencyKey);
        } catch (IllegalArgumentException e) {
            return failed(code, e.getMessage(), e);
        }
        if (closing) {
            return failed(ErrorCodes.CLOSED, "the client is closed", null);
        }
        String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        if (cfg.publishMode() == PublishMode.WEBSOCKET_WHEN_OPEN) {
            CompletableFuture<PublishAck> result = new CompletableFuture<>();
            post(() -> publishOverWebSocketOrHttp(new PendingPublish(channel, event, json, key, result)));
            return result;
        }
        return publisher.publish(channel, event, json, key);
    }

    private static CompletableFuture<PublishAck> failed(String code, String message, Throwable cause) {
        return CompletableFuture.failedFuture(new RealtimeException(0, code, message, cause));
    }

    public String cursor() {
        return latestCursor;
    }

    public ConnectionState state() {
        return state;
    }

    public Transport transport() {
        return stateTransport;
    }

    public void close() {
        synchronized (facadeLock) {
            if (closing) {
                return;
            }
            closing = true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    shutdownOnLoop();
                } finally {
                    done.complete(null);
                }
            });
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the realtime client", e);
        }
        loop.shutdownNow();
        if (ownListenerExecutor != null) {
            ownListenerExecutor.shutdown();
            try {
                ownListenerExecutor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (auth != null) {
            auth.close();
        }
        if (ownHttpExecutor != null) {
            shutdownHttpClient();
        }
        if (ownJsonb) {
            try {
                jsonb.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing JSON-B", e);
            }
        }
    }

    /**
     * JDK 21+ has {@code HttpClient.shutdownNow()}, which also ends the selector thread at once; on
     * JDK 17 that thread ends by itself once the client is unreachable and has no open exchange
     * (the connections were closed above).
     */
    private void shutdownHttpClient() {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(ownHttp);
        } catch (NoSuchMethodException jdk17) {
            // see above
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "shutting the HTTP client down", e);
        }
        ownHttpExecutor.shutdownNow();
    }

    @Override
    public String toString() {
        return "RealtimeClient[" + cfg.base() + ", " + state + (stateTransport == null ? "" : " over " + stateTransport)
                + ", queued=" + dispatcher.size() + "/" + dispatcher.capacity() + ", cursor=" + latestCursor + "]";
    }

    // =====================================================================================
    // loop
    // =====================================================================================

    private void post(Runnable r) {
        try {
            loop.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.ERROR, "realtime client internal error", e);
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // the client is closed: nothing to do
        }
    }

    private void shutdownOnLoop() {
        closed = true;
        closeConnection();
        stopUpgrade();
        cancel(reconnectTask);
        RealtimeException ex = new RealtimeException(0, ErrorCodes.CLOSED, "the client is closed");
        failPendingWsPublishes(ex);
        for (ChannelState cs : channels.values()) {
            cs.stopCatchUp();
            for (SubscriptionImpl s : cs.subs) {
                s.active = false;
                s.ready.completeExceptionally(ex);
            }
        }
        channels.clear();
        setState(ConnectionState.CLOSED, null);
    }

    private void addSubscription(SubscriptionImpl sub, String since) {
        if (closed || !sub.active) {
            return;
        }
        ChannelState cs = channels.get(sub.channel);
        if (cs != null) {
            cs.subs.add(sub);
            if (live.contains(sub.channel)) {
                sub.ready.complete(null);
            }
            return;
        }
        cs = new ChannelState(sub.channel);
        cs.subs.add(sub);
        channels.put(sub.channel, cs);
        resume.track(sub.channel, since);
        if (conn == null) {
            if (reconnectTask == null && !pausedForBackpressure) {
                connect();
            }
        } else if (conn.changesChannelsInPlace()) {
            if (connOpen) {
                sendSubscribe(sub.channel);
            }
        } else {
            scheduleRestart();
        }
    }

    private void removeSubscription(SubscriptionImpl sub) {
        ChannelState cs = channels.get(sub.channel);
        if (cs == null || !cs.subs.remove(sub) || !cs.subs.isEmpty()) {
            return;
        }
        channels.remove(sub.channel);
        resume.untrack(sub.channel);
        recent.forget(sub.channel);
        live.remove(sub.channel);
        cs.stopCatchUp();
        if (channels.isEmpty()) {
            closeConnection();
            stopUpgrade();
            cancel(reconnectTask);
            reconnectTask = null;
            pausedForBackpressure = false;
            setState(ConnectionState.IDLE, null);
        } else if (conn != null && conn.changesChannelsInPlace()) {
            if (connOpen) {
                conn.removeChannel(sub.channel);
            }
        } else if (conn != null) {
            scheduleRestart();
        }
    }

    /** SSE and long-polling: reopen with the new set of channels, once per burst of changes. */
    private void scheduleRestart() {
        if (restartPending) {
            return;
        }
        restartPending = true;
        post(() -> {
            restartPending = false;
            if (conn != null && !conn.changesChannelsInPlace()
                    && !new ArrayList<>(channels.keySet()).equals(connChannels)) {
                closeConnection();
                connect();
            }
        });
    }

    private Transport currentTransport() {
        return AUTO_ORDER.get(transportIndex);
    }

    private void connect() {
        cancel(reconnectTask);
        reconnectTask = null;
        if (closed || channels.isEmpty() || conn != null) {
            return;
        }
        Transport t = currentTransport();
        long gen = ++generation;
        connOpen = false;
        live.clear();
        connTransport = t;
        connSince = null;
        lastActivityNanos = System.nanoTime();
        if (state == ConnectionState.IDLE) {
            setState(ConnectionState.CONNECTING, t);
        } else if (state != ConnectionState.OPEN) {
            setState(state, t);
        }
        Events events = new Events(gen);
        switch (t) {
            case WEBSOCKET -> {
                connChannels = List.of();
                conn = WebSocketConnection.open(http, cfg.base(), cfg.headers(), cfg.connectTimeout(), events);
            }
            case SSE, LONG_POLLING -> {
                connChannels = new ArrayList<>(channels.keySet());
                ResumeState.HttpPlan plan = resume.planHttp(connChannels, catchingUpChannels());
                connSince = plan.since();
                plan.catchUps().forEach((channel, since) -> startCatchUp(channels.get(channel), since));
                if (t == Transport.SSE) {
                    conn = SseConnection.open(http, cfg.base(), connChannels, plan.since(), cfg.headers(),
                            cfg.connectTimeout().plus(cfg.readTimeout()), events);
                } else {
                    conn = new LongPollConnection(poller, connChannels, events);
                    // the first poll answers at once: it makes the subscriptions live and hands out a cursor
                    conn.pollAgain(plan.since(), 0);
                }
            }
            default -> throw new IllegalStateException(t.name());
        }
        if (t != Transport.LONG_POLLING) {
            long period = Math.max(50, cfg.readTimeout().toMillis() / 4);
            watchdog = loop.scheduleAtFixedRate(() -> checkIdle(gen), period, period, TimeUnit.MILLISECONDS);
        }
    }

    // =====================================================================================
    // AUTO back to WebSocket: while on SSE or long-polling, probe a WebSocket handshake after a
    // growing delay; once one succeeds, reconnect on WebSocket from the cursor (like a fallback,
    // nothing lost or repeated). A failed switch falls back again through onFailed.
    // =====================================================================================

    private void scheduleUpgrade() {
        if (cfg.transport() != Transport.AUTO || upgradeTask != null || probe != null) {
            return;
        }
        upgradeTask = loop.schedule(() -> post(this::probeWebSocket), upgradeBackoff.nextDelayMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void probeWebSocket() {
        upgradeTask = null;
        if (closed || conn == null || connTransport == Transport.WEBSOCKET) {
            return;
        }
        WebSocketProbe[] self = new WebSocketProbe[1];
        self[0] = new WebSocketProbe(http, cfg.base(), cfg.headers(), cfg.connectTimeout(),
                ok -> post(() -> onProbed(self[0], ok)));
        probe = self[0];
    }

    private void onProbed(WebSocketProbe p, boolean ok) {
        if (p == null || p != probe) {
            return;
        }
        p.close();
        probe = null;
        if (closed || conn == null || connTransport == Transport.WEBSOCKET) {
            return;
        }
        if (!ok) {
            scheduleUpgrade();
            return;
        }
        LOG.log(Level.INFO, "WebSocket works again: leaving {0}", connTransport);
        transportIndex = AUTO_ORDER.indexOf(Transport.WEBSOCKET);
        openFailures = 0;
        closeConnection();
        connect();
    }

    private void stopUpgrade() {
        cancel(upgradeTask);
        upgradeTask = null;
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    private Set<String> catchingUpChannels() {
        Set<String> s = new HashSet<>();
        channels.values().forEach(cs -> {
            if (cs.catchingUp) {
                s.add(cs.name);
            }
        });
        return s;
    }

    private Set<String> coveredChannels() {
        Set<String> s = new LinkedHashSet<>(live);
        s.removeIf(c -> {
            ChannelState cs = channels.get(c);
            return cs == null || cs.catchingUp;
        });
        return s;
    }

    private void closeConnection() {
        generation++;
        if (conn != null) {
            conn.close();
            conn = null;
        }
        cancel(watchdog);
        watchdog = null;
        connOpen = false;
        live.clear();
    }

    private void checkIdle(long gen) {
        if (gen != generation) {
            return;
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
        long limit = cfg.readTimeout().toMillis();
        if (idleMillis > limit) {
            onFailed(new HttpTimeoutException("no data from the server for " + idleMillis + " ms"), false);
        } else if (idleMillis > limit / 2 && connOpen && conn != null) {
            conn.ping();
        }
    }

    private void onOpened() {
        connOpen = true;
        backoff.reset();
        openFailures = 0;
        setState(ConnectionState.OPEN, connTransport);
        if (connTransport == Transport.WEBSOCKET) {
            upgradeBackoff.reset();
            for (String channel : channels.keySet()) {
                sendSubscribe(channel);
            }
        } else {
            scheduleUpgrade();
            List<String> now = new ArrayList<>();
            for (String channel : connChannels) {
                if (channels.containsKey(channel)) {
                    live.add(channel);
                    now.add(channel);
                }
            }
            if (connTransport == Transport.SSE) {
                anchor(now);
            } else {
                now.forEach(this::completeReady);
            }
        }
    }

    /**
     * SSE and WebSocket hand out no cursor until a message arrives, so a channel that went live
     * without one would resume at "now" after a drop, losing what was published meanwhile. To
     * close that window, the client asks for a cursor right away ({@code poll?timeout=0} for the
     * channels still at "now") and uses it as their position until the stream brings a newer one.
     * {@link Subscription#ready()} completes after that.
     */
    private void anchor(List<String> liveChannels) {
        List<String> uncovered = new ArrayList<>();
        for (String c : liveChannels) {
            if (resume.position(c) == null) {
                uncovered.add(c);
            } else {
                completeReady(c);
            }
        }
        if (uncovered.isEmpty()) {
            return;
        }
        long gen = generation;
        poller.poll(uncovered, null, 0).whenComplete((result, error) -> post(() -> {
            if (gen != generation || closed) {
                return;
            }
            if (error == null) {
                result.messages().forEach(m -> takeMessage(m, null));
                for (String c : uncovered) {
                    if (resume.tracks(c) && resume.position(c) == null && live.contains(c)) {
                        resume.setPosition(c, result.cursor());
                    }
                }
            } else {
                LOG.log(Level.DEBUG, "could not fetch a cursor for " + uncovered, error);
            }
            uncovered.forEach(this::completeReady);
        }));
    }

    private void sendSubscribe(String channel) {
        conn.addChannel(channel, resume.position(channel));
    }

    private void onSubscribed(String channel, String cursor) {
        if (channel == null || !channels.containsKey(channel)) {
            return;
        }
        live.add(channel);
        acceptCursor(cursor);
        anchor(List.of(channel));
    }

    private void completeReady(String channel) {
        ChannelState cs = channels.get(channel);
        if (cs != null) {
            cs.subs.forEach(s -> s.ready.complete(null));
        }
    }

    private void onMessage(Message m, String cursor) {
        if (cursor != null && !cursor.isEmpty()) {
            latestCursor = cursor; // first: a listener that asks for cursor() on this message gets one covering it
        }
        takeMessage(m, cursor);
        acceptCursor(cursor);
        if (dispatcher.isFull()) {
            pauseForBackpressure();
        }
    }

    /**
     * Delivers or holds back a message. {@code cursor} (the one standing after it) travels with the
     * message only when it is a safe checkpoint: every subscribed channel is live on this
     * connection and none is catching up, so the cursor covers nothing not yet delivered.
     */
    private void takeMessage(Message m, String cursor) {
        ChannelState cs = channels.get(m.channel());
        if (cs == null) {
            return;
        }
        if (cs.catchingUp) {
            cs.buffered.add(m);
        } else if (cursor != null && !cursor.isEmpty() && coveredChannels().containsAll(channels.keySet())) {
            deliver(cs, new Message(m.channel(), m.id(), m.event(), m.data(), m.ts(), cursor));
        } else {
            deliver(cs, m);
        }
    }

    private void acceptCursor(String cursor) {
        if (cursor != null && !cursor.isEmpty()) {
            resume.onCursor(cursor, coveredChannels());
            latestCursor = cursor;
        }
    }

    private void onGap(String channel) {
        ChannelState cs = channel == null ? null : channels.get(channel);
        // while a channel catches up, its history comes from the catch-up, which reports its own gaps
        if (cs != null && !cs.catchingUp) {
            deliverGap(cs);
        }
    }

    private void onBatch(List<String> gaps, List<Message> messages, String cursor) {
        gaps.forEach(this::onGap);
        for (int i = 0; i < messages.size(); i++) {
            takeMessage(messages.get(i), i == messages.size() - 1 ? cursor : null);
        }
        acceptCursor(cursor);
        if (dispatcher.isFull()) {
            pauseForBackpressure();
        } else if (conn != null) {
            conn.pollAgain(cursor, cfg.pollTimeout().toMillis());
        }
    }

    private void deliver(ChannelState cs, Message m) {
        if (!recent.firstTime(cs.name, m.id())) {
            return;
        }
        List<SubscriptionImpl> subs = List.copyOf(cs.subs);
        dispatcher.submit(() -> {
            for (SubscriptionImpl s : subs) {
                if (s.active) {
                    callListener(() -> s.listener.onMessage(m));
                }
            }
        });
    }

    private void deliverGap(ChannelState cs) {
        // after a gap the server may be a new one (new epoch) whose ids start over: what follows is
        // new to this client in any case, so earlier ids must not suppress it
        recent.forget(cs.name);
        List<SubscriptionImpl> subs = List.copyOf(cs.subs);
        String channel = cs.name;
        dispatcher.submit(() -> {
            for (SubscriptionImpl s : subs) {
                if (s.active) {
                    callListener(() -> s.listener.onGap(channel));
                }
            }
        });
    }

    private static void callListener(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a realtime listener threw", e);
        }
    }

    private void pauseForBackpressure() {
        if (conn == null) {
            return;
        }
        LOG.log(Level.DEBUG, "listeners are {0} callbacks behind: closing the connection until they catch up",
                dispatcher.size());
        Transport t = connTransport;
        closeConnection();
        pausedForBackpressure = true;
        setState(ConnectionState.RECONNECTING, t);
    }

    /** Called on a listener thread when the dispatcher is back to half its capacity. */
    private void onListenersDrained() {
        post(() -> {
            if (pausedForBackpressure) {
                pausedForBackpressure = false;
                connect();
            }
            List<ChannelState> waiting = new ArrayList<>(catchUpsWaitingForDrain);
            catchUpsWaitingForDrain.clear();
            waiting.forEach(this::runCatchUp);
        });
    }

    private void onAck(String ref, String channel, String id) {
        PendingPublish p = ref == null ? null : pendingWsPublishes.remove(ref);
        if (p != null) {
            p.result.complete(new PublishAck(channel, id));
        }
    }

    private void onFrameError(String ref, String channel, String code, String message) {
        RealtimeException e = new RealtimeException(0, code == null ? ErrorCodes.ERROR : code, message);
        PendingPublish p = ref == null ? null : pendingWsPublishes.remove(ref);
        if (p != null) {
            p.result.completeExceptionally(e);
            return;
        }
        ChannelState cs = channel == null ? null : channels.get(channel);
        if (cs != null && ErrorCodes.INVALID_CURSOR.equals(code)) {
            // the position cannot be resumed: say so, and subscribe from now
            resume.setPosition(channel, null);
            deliverGap(cs);
            sendSubscribe(channel);
            return;
        }
        if (cs != null) {
            refuseSubscriptions(cs, e);
            return;
        }
        reportError(e);
    }

    /**
     * A ticket to refresh the credential with (version 1.1): in place on an open WebSocket; SSE opens
     * its stream again from the cursor with it; long-polling's next poll presents it.
     */
    private void refreshCredential(String ticket) {
        if (conn != null && connOpen && connTransport == Transport.WEBSOCKET) {
            conn.refresh(ticket);
            return;
        }
        auth.offer(ticket);
        if (conn != null && connTransport == Transport.SSE) {
            closeConnection();
            connect();
        }
    }

    private void refuseSubscriptions(ChannelState cs, RealtimeException e) {
        for (SubscriptionImpl s : List.copyOf(cs.subs)) {
            s.ready.completeExceptionally(e);
            dispatcher.submit(() -> callListener(() -> s.listener.onError(e)));
            s.cancel();
        }
    }

    private void onFailed(Throwable cause, boolean refused) {
        boolean wasOpen = connOpen;
        Transport failed = connTransport;
        String since = connSince;
        closeConnection();
        retryPendingWsPublishesOverHttp();
        reportError(cause);
        if (cause instanceof RealtimeException re && ErrorCodes.INVALID_CURSOR.equals(re.code()) && since != null) {
            for (ChannelState cs : channels.values()) {
                if (since.equals(resume.position(cs.name))) {
                    resume.setPosition(cs.name, null);
                    deliverGap(cs);
                }
            }
        }
        long delay;
        if (cfg.transport() == Transport.AUTO && (refused || (!wasOpen && ++openFailures >= OPEN_FAILURES_BEFORE_FALLBACK))) {
            transportIndex = (transportIndex + 1) % AUTO_ORDER.size();
            openFailures = 0;
            LOG.log(Level.INFO, "{0} did not work ({1}); trying {2}", failed, cause, currentTransport());
            delay = refused ? 0 : backoff.nextDelayMillis();
        } else {
            delay = backoff.nextDelayMillis();
        }
        setState(ConnectionState.RECONNECTING, currentTransport());
        if (!channels.isEmpty() && !closed) {
            reconnectTask = loop.schedule(() -> post(this::connect), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void reportError(Throwable e) {
        ConnectionListener l = cfg.connectionListener();
        if (l != null) {
            dispatcher.submit(() -> {
                try {
                    l.onError(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "a connection listener threw", ex);
                }
            });
        } else {
            LOG.log(Level.DEBUG, "realtime connection problem", e);
        }
    }

    private void failPendingWsPublishes(RealtimeException e) {
        pendingWsPublishes.values().forEach(p -> p.result.completeExceptionally(e));
        pendingWsPublishes.clear();
    }

    /**
     * The socket closed before these publishes were acknowledged: send them again over HTTP with
     * the idempotency key their frame carried, so each is published once whatever happened.
     */
    private void retryPendingWsPublishesOverHttp() {
        List<PendingPublish> pending = new ArrayList<>(pendingWsPublishes.values());
        pendingWsPublishes.clear();
        pending.forEach(this::publishOverHttp);
    }

    private void publishOverHttp(PendingPublish p) {
        publisher.publish(p.channel, p.event, p.json, p.key).whenComplete((ack, e) -> {
            if (e != null) {
                p.result.completeExceptionally(e);
            } else {
                p.result.complete(ack);
            }
        });
    }

    private void publishOverWebSocketOrHttp(PendingPublish p) {
        String ref = "p" + (refs + 1);
        if (conn != null && connOpen && conn.publish(ref, p.channel, p.event, p.key, p.json)) {
            refs++;
            pendingWsPublishes.put(ref, p);
        } else {
            publishOverHttp(p);
        }
    }

    private record PendingPublish(String channel, String event, String json, String key,
            CompletableFuture<PublishAck> result) {}

    private void setState(ConnectionState s, Transport t) {
        if (s == state && t == stateTransport) {
            return;
        }
        state = s;
        stateTransport = t;
        ConnectionListener l = cfg.connectionListener();
        if (l != null) {
            dispatcher.submit(() -> {
                try {
                    l.onStateChange(s, t);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "a connection listener threw", ex);
                }
            });
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // =====================================================================================
    // catch-up: SSE and long-polling resume a channel whose position differs from the
    // connection's `since` with poll?channel=<it>&since=<position>&timeout=0 until an empty
    // answer; meanwhile the live stream's messages for it are held back, then delivered
    // (duplicates dropped), so the listener sees one ordered sequence.
    // =====================================================================================

    private void startCatchUp(ChannelState cs, String since) {
        if (cs == null || cs.catchingUp) {
            return;
        }
        cs.catchingUp = true;
        cs.catchUpSince = since;
        cs.buffered = new ArrayList<>();
        cs.catchUpBackoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
        runCatchUp(cs);
    }

    private void runCatchUp(ChannelState cs) {
        if (closed || channels.get(cs.name) != cs || !cs.catchingUp) {
            return;
        }
        if (dispatcher.isFull()) {
            catchUpsWaitingForDrain.add(cs);
            return;
        }
        CompletableFuture<java.net.http.HttpResponse<String>> request = poller.send(List.of(cs.name), cs.catchUpSince, 0);
        cs.catchUpRequest = request;
        request.thenApply(Poller::parse).whenComplete((result, error) -> post(() -> onCatchUpAnswer(cs, result, error)));
    }

    private void onCatchUpAnswer(ChannelState cs, Poller.Result result, Throwable error) {
        if (closed || channels.get(cs.name) != cs || !cs.catchingUp) {
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RealtimeException re && ErrorCodes.INVALID_CURSOR.equals(re.code())) {
                resume.setPosition(cs.name, null);
                deliverGap(cs);
                finishCatchUp(cs);
            } else if (cause instanceof RealtimeException re && re.status() >= 400 && re.status() < 500
                    && re.status() != 408 && re.status() != 429) {
                reportError(cause);
                finishCatchUp(cs);
            } else {
                reportError(cause);
                loop.schedule(() -> post(() -> runCatchUp(cs)), cs.catchUpBackoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        cs.catchUpBackoff.reset();
        if (!result.gaps().isEmpty()) {
            deliverGap(cs);
        }
        for (Message m : result.messages()) {
            if (m.channel().equals(cs.name)) {
                deliver(cs, m);
            }
        }
        if (result.cursor() != null) {
            cs.catchUpSince = result.cursor();
            resume.setPosition(cs.name, result.cursor());
        }
        if (result.messages().isEmpty()) {
            finishCatchUp(cs);
        } else {
            runCatchUp(cs);
        }
    }

    private void finishCatchUp(ChannelState cs) {
        cs.catchingUp = false;
        List<Message> held = cs.buffered;
        cs.buffered = null;
        cs.catchUpRequest = null;
        if (held != null) {
            held.forEach(m -> deliver(cs, m));
        }
        if (dispatcher.isFull()) {
            pauseForBackpressure();
        }
    }

    // =====================================================================================

    private static final class ChannelState {
        final String name;
        final List<SubscriptionImpl> subs = new ArrayList<>();
        boolean catchingUp;
        String catchUpSince;
        List<Message> buffered;
        Backoff catchUpBackoff;
        CompletableFuture<?> catchUpRequest;

        ChannelState(String name) {
            this.name = name;
        }

        void stopCatchUp() {
            catchingUp = false;
            buffered = null;
            if (catchUpRequest != null) {
                catchUpRequest.cancel(true);
                catchUpRequest = null;
            }
        }
    }

    private final class SubscriptionImpl implements Subscription {
        final String channel;
        final MessageListener listener;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile boolean active = true;

        SubscriptionImpl(String channel, MessageListener listener) {
            this.channel = channel;
            this.listener = listener;
        }

        @Override
        public String channel() {
            return channel;
        }

        @Override
        public CompletableFuture<Void> ready() {
            return ready;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void cancel() {
            synchronized (facadeLock) {
                if (!active) {
                    return;
                }
                active = false;
                subscriptionCounts.computeIfPresent(channel, (c, n) -> n <= 1 ? null : n - 1);
            }
            ready.completeExceptionally(new java.util.concurrent.CancellationException("subscription cancelled"));
            post(() -> removeSubscription(this));
        }

        @Override
        public String toString() {
            return "Subscription[" + channel + (active ? "" : ", cancelled") + "]";
        }
    }

    /** Binds transport events to one connection generation and moves them onto the loop. */
    private final class Events implements TransportEvents {
        private final long gen;

        Events(long gen) {
            this.gen = gen;
        }

        private void onLoop(Runnable r) {
            post(() -> {
                if (gen == generation && !closed) {
                    r.run();
                }
            });
        }

        @Override
        public void opened() {
            onLoop(ClientEngine.this::onOpened);
        }

        @Override
        public void subscribed(String channel, String cursor) {
            onLoop(() -> onSubscribed(channel, cursor));
        }

        @Override
        public void message(Message message, String cursor) {
            onLoop(() -> onMessage(message, cursor));
        }

        @Override
        public void gap(String channel) {
            onLoop(() -> onGap(channel));
        }

        @Override
        public void cursor(String cursor) {
            onLoop(() -> acceptCursor(cursor));
        }

        @Override
        public void batch(List<String> gaps, List<Message> messages, String cursor) {
            onLoop(() -> onBatch(gaps, messages, cursor));
        }

        @Override
        public void ack(String ref, String channel, String id) {
            onLoop(() -> onAck(ref, channel, id));
        }

        @Override
        public void frameError(String ref, String channel, String code, String message) {
            onLoop(() -> onFrameError(ref, channel, code, message));
        }

        @Override
        public void authenticated(String token, long expiresInMillis) {
            if (auth != null) {
                auth.accept(token, expiresInMillis);
            }
        }

        @Override
        public void activity() {
            if (gen == generation) {
                lastActivityNanos = System.nanoTime();
            }
        }

        @Override
        public void failed(Throwable cause, boolean refused) {
            if (auth != null && cause instanceof RealtimeException e && e.status() == 401) {
                auth.forget(); // expired or refused: the reconnect gets a new ticket
            }
            onLoop(() -> onFailed(cause, refused));
        }
    }
}
