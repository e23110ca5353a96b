package dev.realtime.client.internal;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.Message;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.Subscription;
import dev.realtime.client.Transport;
import dev.realtime.protocol.ProtocolError;
import java.lang.System.Logger.Level;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's connection state machine: when to connect, reconnect, reopen with other channels or
 * pause, and what each event of the connection means. Every piece of its state is confined to the
 * {@link Loop} (a few fields are also read from other threads, as marked); listener callbacks leave
 * it through {@link ListenerCalls}. Its parts: the channels and their positions
 * ({@link ClientChannels}), the transport in use ({@link TransportChoice}, {@link WebSocketUpgrade}),
 * {@link CatchUp}, {@link Publishing} and protocol 1.1's {@link LivePresence}. {@link ClientEngine}
 * posts the application's calls to it.
 */
final class ConnectionMachine {

    private static final System.Logger LOG = System.getLogger(ConnectionMachine.class.getName());
    /** Refusals of an HTTP connection that its joins caused: it is opened again at once without them. */
    private static final Set<String> REFUSED_FOR_JOINS = Set.of(ProtocolError.TOO_MANY_MEMBERS.code(),
            ProtocolError.INVALID_MEMBER.code(), ProtocolError.PAYLOAD_TOO_LARGE.code(), ProtocolError.INVALID_JSON.code(),
            ProtocolError.FORBIDDEN.code());

    private final ClientConfig cfg;
    private final Loop loop;
    private final ListenerCalls listeners;
    /** What the transports send through: presents tickets when they are on. */
    private final java.net.http.HttpClient http;
    /** Tickets and the resume token (version 1.1); null without {@code tickets(...)}. */
    private final TicketAuth auth;
    private final Poller poller;
    private final Publishing publishing;
    private final CatchUp catchUp;
    private final WebSocketUpgrade upgrade;
    private final ClientChannels channels;
    private final TransportChoice transports;
    /** Protocol 1.1 presence: joins and watches, carried by the connection. */
    private final LivePresence live;

    private TransportConnection conn;
    private Transport connTransport;
    private List<String> connChannels = List.of();
    /** What the open WebSocket holds of {@link #live} (frames sent); what an HTTP connection was opened with. */
    private LivePresence.State liveSent = LivePresence.State.EMPTY;
    private String connLive = "";
    private String connSince;
    private boolean connOpen;
    private volatile long generation;
    private ScheduledFuture<?> reconnectTask;
    private ScheduledFuture<?> watchdog;
    private boolean restartPending;
    private boolean pausedForBackpressure;
    private boolean closed;

    // ---- read from any thread ----
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile ConnectionState state = ConnectionState.IDLE;
    private volatile Transport stateTransport;

    ConnectionMachine(ClientConfig cfg, Loop loop, ListenerCalls listeners, java.net.http.HttpClient http, TicketAuth auth,
                      Poller poller, Publishing publishing) {
        this.cfg = cfg;
        this.loop = loop;
        this.listeners = listeners;
        this.http = http;
        this.auth = auth;
        this.poller = poller;
        this.publishing = publishing;
        this.channels = new ClientChannels(listeners);
        this.live = new LivePresence(listeners.dispatcher(), this::liveChanged);
        this.transports = new TransportChoice(cfg);
        this.catchUp = new CatchUp(cfg, loop, poller, channels.resume, listeners,
                cs -> !closed && channels.get(cs.name) == cs, this::pauseForBackpressure);
        this.upgrade = new WebSocketUpgrade(cfg, http, loop,
                () -> !closed && conn != null && connTransport != Transport.WEBSOCKET, this::switchToWebSocket);
    }

    Loop loop() {
        return loop;
    }

    ClientChannels channels() {
        return channels;
    }

    Publishing publishing() {
        return publishing;
    }

    LivePresence live() {
        return live;
    }

    /** The open connection publishes may go through, else null (HTTP). */
    TransportConnection openConnection() {
        return conn != null && connOpen ? conn : null;
    }

    ConnectionState state() {
        return state;
    }

    Transport stateTransport() {
        return stateTransport;
    }

    /** Whether events of connection {@code gen} still count. */
    boolean isCurrent(long gen) {
        return gen == generation && !closed;
    }

    /** Any thread: connection {@code gen} received something. */
    void activity(long gen) {
        if (gen == generation) {
            lastActivityNanos = System.nanoTime();
        }
    }

    /** Loop only: the client is closing. */
    void shutdown() {
        closed = true;
        closeConnection();
        upgrade.stop();
        Loop.cancel(reconnectTask);
        RealtimeException ex = new RealtimeException(0, ErrorCodes.CLOSED, "the client is closed");
        publishing.failUnacknowledged(ex);
        channels.closeAll(ex);
        setState(ConnectionState.CLOSED, null);
    }

    void addSubscription(SubscriptionHandle sub, String since) {
        if (closed || !sub.active || !channels.add(sub, since)) {
            return;
        }
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

    void removeSubscription(SubscriptionHandle sub) {
        if (!channels.remove(sub)) {
            return;
        }
        if (channels.isEmpty() && live.isEmpty()) {
            closeConnection();
            upgrade.stop();
            Loop.cancel(reconnectTask);
            reconnectTask = null;
            pausedForBackpressure = false;
            setState(ConnectionState.IDLE, null);
        } else if (conn != null && conn.changesChannelsInPlace()) {
            if (connOpen && !live.watches(sub.channel)) { // the server's unsubscribe would end its presence events too
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
        loop.post(() -> {
            restartPending = false;
            if (conn != null && !conn.changesChannelsInPlace() && !channels.names().equals(connChannels)) {
                closeConnection();
                connect();
            }
        });
    }

    private void connect() {
        Loop.cancel(reconnectTask);
        reconnectTask = null;
        if (closed || (channels.isEmpty() && live.isEmpty()) || conn != null) {
            return;
        }
        liveSent = LivePresence.State.EMPTY;
        connLive = live.signature();
        Transport t = transports.current();
        long gen = ++generation;
        connOpen = false;
        channels.connectionClosed();
        connTransport = t;
        connSince = null;
        lastActivityNanos = System.nanoTime();
        if (state == ConnectionState.IDLE) {
            setState(ConnectionState.CONNECTING, t);
        } else if (state != ConnectionState.OPEN) {
            setState(state, t);
        }
        ConnectionEvents events = new ConnectionEvents(this, gen);
        switch (t) {
            case WEBSOCKET -> {
                connChannels = List.of();
                conn = WebSocketConnection.open(http, cfg.base(), cfg.headers(), cfg.connectTimeout(), events);
            }
            case SSE, LONG_POLLING -> {
                connChannels = channels.names();
                ResumeState.HttpPlan plan = channels.resume.planHttp(connChannels, channels.catchingUp());
                connSince = plan.since();
                plan.catchUps().forEach((channel, since) -> catchUp.start(channels.get(channel), since));
                if (t == Transport.SSE) {
                    conn = SseConnection.open(http, cfg.base(), connChannels, plan.since(), live.params(), cfg.headers(),
                            cfg.connectTimeout().plus(cfg.readTimeout()), events);
                } else {
                    conn = new LongPollConnection(poller, connChannels, live.params(), events);
                    // the first poll answers at once: it makes the subscriptions live and hands out a cursor
                    conn.pollAgain(plan.since(), 0);
                }
            }
            default -> throw new IllegalStateException(t.name());
        }
        if (t != Transport.LONG_POLLING) {
            watchdog = loop.every(Math.max(50, cfg.readTimeout().toMillis() / 4), () -> checkIdle(gen));
        }
    }

    /** WebSocket works again (see {@link WebSocketUpgrade}): leave the fallback, resuming from the cursor. */
    private void switchToWebSocket() {
        LOG.log(Level.INFO, "WebSocket works again: leaving {0}", connTransport);
        transports.backToWebSocket();
        closeConnection();
        connect();
    }

    private void closeConnection() {
        generation++;
        if (conn != null) {
            conn.close();
            conn = null;
        }
        Loop.cancel(watchdog);
        watchdog = null;
        connOpen = false;
        channels.connectionClosed();
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

    void onOpened() {
        connOpen = true;
        transports.opened();
        setState(ConnectionState.OPEN, connTransport);
        if (connTransport == Transport.WEBSOCKET) {
            upgrade.reset();
            channels.names().forEach(this::sendSubscribe);
            sendLive(); // joins and watches as frames: a refused join must not refuse the connection
        } else {
            upgrade.schedule();
            List<String> now = new ArrayList<>();
            for (String channel : connChannels) {
                if (channels.contains(channel)) {
                    channels.goLive(channel);
                    now.add(channel);
                }
            }
            if (connTransport == Transport.SSE) {
                anchor(now);
            } else {
                now.forEach(channels::completeReady);
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
        ResumeState resume = channels.resume;
        List<String> uncovered = new ArrayList<>();
        for (String c : liveChannels) {
            if (resume.position(c) == null) {
                uncovered.add(c);
            } else {
                channels.completeReady(c);
            }
        }
        if (uncovered.isEmpty()) {
            return;
        }
        long gen = generation;
        poller.poll(uncovered, null, 0).whenComplete((result, error) -> loop.post(() -> {
            if (gen != generation || closed) {
                return;
            }
            if (error == null) {
                result.messages().forEach(m -> channels.take(m, null));
                for (String c : uncovered) {
                    if (resume.tracks(c) && resume.position(c) == null && channels.isLive(c)) {
                        resume.setPosition(c, result.cursor());
                    }
                }
            } else {
                LOG.log(Level.DEBUG, "could not fetch a cursor for " + uncovered, error);
            }
            uncovered.forEach(channels::completeReady);
        }));
    }

    private void sendSubscribe(String channel) {
        conn.addChannel(channel, channels.resume.position(channel));
    }

    void onSubscribed(String channel, String cursor) {
        if (channel == null || !channels.contains(channel)) {
            return;
        }
        channels.goLive(channel);
        channels.acceptCursor(cursor);
        anchor(List.of(channel));
    }

    void onMessage(Message m, String cursor) {
        channels.takeWithCursor(m, cursor);
        if (listeners.isFull()) {
            pauseForBackpressure();
        }
    }

    void onBatch(List<String> gaps, List<Message> messages, String cursor) {
        gaps.forEach(channels::gap);
        for (int i = 0; i < messages.size(); i++) {
            channels.take(messages.get(i), i == messages.size() - 1 ? cursor : null);
        }
        channels.acceptCursor(cursor);
        if (listeners.isFull()) {
            pauseForBackpressure();
        } else if (conn != null) {
            conn.pollAgain(cursor, cfg.pollTimeout().toMillis());
        }
    }

    private void pauseForBackpressure() {
        if (conn == null) {
            return;
        }
        LOG.log(Level.DEBUG, "listeners are {0} callbacks behind: closing the connection until they catch up",
                listeners.queued());
        Transport t = connTransport;
        closeConnection();
        pausedForBackpressure = true;
        setState(ConnectionState.RECONNECTING, t);
    }

    /** Any thread (a listener's): the dispatcher is back to half its capacity. */
    void onListenersDrained() {
        loop.post(() -> {
            if (pausedForBackpressure) {
                pausedForBackpressure = false;
                connect();
            }
            catchUp.resumeWaiting();
        });
    }

    /** Any thread: the server's resume token and the milliseconds until the credential expires. */
    void onAuthenticated(String token, long expiresInMillis) {
        if (auth != null) {
            auth.accept(token, expiresInMillis);
        }
    }

    /** Any thread: a connection failed; a 401 (expired, refused) means the reconnect needs a new ticket. */
    void onCredentialRefused(Throwable cause) {
        if (auth != null && cause instanceof RealtimeException e && e.status() == 401) {
            auth.forget();
        }
    }

    /**
     * A ticket to refresh the credential with (version 1.1): in place on an open WebSocket; SSE opens
     * its stream again from the cursor with it; long-polling's next poll presents it.
     */
    void refreshCredential(String ticket) {
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

    void onFrameError(String ref, String channel, String code, String message) {
        RealtimeException e = new RealtimeException(0, code == null ? ErrorCodes.ERROR : code, message);
        if (publishing.refused(ref, e)) {
            return;
        }
        if ("live".equals(ref)) { // a refused join or presence watch: reported, the connection goes on
            listeners.error(e);
            return;
        }
        ClientChannel cs = channels.get(channel);
        if (cs != null && ErrorCodes.INVALID_CURSOR.equals(code)) {
            channels.restartAtNow(channel);
            listeners.error(e);
            sendSubscribe(channel);
            return;
        }
        if (cs != null) {
            listeners.refused(cs, e);
            return;
        }
        listeners.error(e);
    }

    void onFailed(Throwable cause, boolean refused) {
        boolean wasOpen = connOpen;
        Transport failed = connTransport;
        String since = connSince;
        closeConnection();
        publishing.retryUnacknowledgedOverHttp();
        listeners.error(cause);
        if (cause instanceof RealtimeException re && ErrorCodes.INVALID_CURSOR.equals(re.code()) && since != null) {
            for (ClientChannel cs : channels.all()) {
                if (since.equals(channels.resume.position(cs.name))) {
                    channels.restartAtNow(cs.name); // the error is reported above
                }
            }
        }
        if (cause instanceof RealtimeException re && REFUSED_FOR_JOINS.contains(re.code()) && live.dropJoins()) {
            // the request was refused because of its joins: without them, at once, so messages flow on
            setState(ConnectionState.RECONNECTING, transports.current());
            reconnectTask = loop.later(0, this::connect);
            return;
        }
        long delay = transports.failed(failed, cause, refused, wasOpen);
        setState(ConnectionState.RECONNECTING, transports.current());
        if ((!channels.isEmpty() || !live.isEmpty()) && !closed) {
            reconnectTask = loop.later(delay, this::connect);
        }
    }

    private void setState(ConnectionState s, Transport t) {
        if (s == state && t == stateTransport) {
            return;
        }
        state = s;
        stateTransport = t;
        listeners.stateChanged(s, t);
    }

    /** Loop only: the joins or watches changed: frames on an open WebSocket, else (re)connect with them. */
    void liveChanged() {
        if (closed) {
            return;
        }
        if (conn == null) {
            connect();
        } else if (connTransport == Transport.WEBSOCKET) {
            if (connOpen) {
                sendLive();
            }
        } else if (!live.signature().equals(connLive)) {
            closeConnection();
            connect();
        }
    }

    private void sendLive() {
        for (String frame : live.frames(liveSent, new java.util.HashSet<>(channels.names()))) {
            conn.sendFrame(frame);
        }
        liveSent = live.state();
    }

    void onPresence(jakarta.json.JsonObject event) {
        live.onEvent(event);
    }
}
