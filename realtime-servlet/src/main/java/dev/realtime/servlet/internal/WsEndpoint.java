package dev.realtime.servlet.internal;

import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.JsonText;
import dev.realtime.internal.Names;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Since;
import dev.realtime.internal.metrics.Transport;
import dev.realtime.protocol.FrameTypes;
import dev.realtime.spi.Published;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection: reads client frames, and sends the session's queue one frame at a time
 * with asynchronous sends, so a slow reader never holds a thread.
 */
public final class WsEndpoint extends Endpoint implements Session.Output {
    private static final System.Logger LOG = System.getLogger(WsEndpoint.class.getName());

    private final Engine engine;
    private final List<String> connectChannels;
    private final Since connectSince;
    private final Principal principal;
    /** The connection's ticket, refresh and expiry (version 1.1); set at the handshake. */
    private WsCredential credential;
    private final String remoteAddress;
    /** The protocol 1.1 parameters of the handshake. */
    private final LiveParams live;
    /** True while a frame (or ping) is on its way: one send at a time. */
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Sends started from completions still on the stack (see continueFromCompletion). */
    private final java.util.concurrent.atomic.AtomicInteger nesting = new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_NESTING = 8;
    /** A client that keeps publishing over its rate after this many refusals is closed (1008). */
    private static final int MAX_REFUSED_IN_A_ROW = 20;
    private final dev.realtime.internal.RateLimiter.Bucket publishRate;
    private int refusedInARow;
    /** Set when the connection is to close once what is queued (acks, the error saying why) has been sent. */
    private volatile CloseReason closeWhenSent;
    /** How long a closing connection's last frames may take before it is closed anyway. */
    private static final long CLOSE_FLUSH_MILLIS = 5_000;
    /** Close code when the credential expired unrefreshed (a private-use code, after HTTP's 401). */
    static final int CREDENTIAL_EXPIRED_CLOSE = 4401;
    private volatile jakarta.websocket.Session ws;
    private volatile Session session;
    private volatile ScheduledFuture<?> pinger;
    private final Runnable pumpTask = this::pump;

    WsEndpoint(Engine engine, List<String> channels, Since since, Principal principal, String remoteAddress, LiveParams live) {
        this.engine = engine;
        this.connectChannels = channels;
        this.connectSince = since;
        this.principal = principal;
        this.remoteAddress = remoteAddress;
        this.live = live;
        this.publishRate = engine.publishBucket();
    }

    @Override
    public void onOpen(jakarta.websocket.Session ws, EndpointConfig config) {
        this.ws = ws;
        ws.setMaxIdleTimeout(0);
        try {
            IncomingFrames.attach(ws, engine.settings().wsMaxFrameSize, this::onText, () -> {
                engine.metrics().refused(ErrorCode.INVALID_FRAME);
                session.enqueueControl(Frames.error(ErrorCode.INVALID_FRAME, "binary frames are not part of the protocol; send JSON text frames", null, null));
            }, this::tooBig);
            credential.opened(session);
            // all at once: every cursor handed out during the replays covers every channel
            session.subscribeAll(connectChannels, connectSince, (channel, cursor) -> new Outbound.Control(Frames.subscribed(channel, null, cursor)));
            live.finish(session);
        } catch (RealtimeException e) {
            close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, e.getMessage()));
            return;
        }
        long every = engine.settings().wsPingInterval.toMillis();
        pinger = engine.scheduler().scheduleAtFixedRate(() -> engine.executor().execute(this::ping), every, every, TimeUnit.MILLISECONDS);
    }

    /** A message over realtime.ws.maxFrameSize: closed with 1009 (the limit is the library's, see IncomingFrames). */
    private void tooBig() {
        engine.executor().execute(() -> close(new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                "frame larger than " + engine.settings().wsMaxFrameSize + " bytes")));
    }

    /**
     * A handshake the checks refused after the container had already accepted it (a deployed or
     * annotated endpoint cannot answer its handshake with a body): the error frame, then the close.
     */
    public static void refuse(jakarta.websocket.Session ws, RealtimeException e) {
        CloseReason.CloseCode code = switch (e.code()) {
            case SHUTTING_DOWN -> CloseReason.CloseCodes.GOING_AWAY;
            case RATE_LIMITED, OVERLOADED -> CloseReason.CloseCodes.TRY_AGAIN_LATER;
            default -> CloseReason.CloseCodes.VIOLATED_POLICY;
        };
        try {
            ws.getBasicRemote().sendText(Frames.error(e.code(), e.getMessage(), null, null));
            ws.close(new CloseReason(code, e.code().code()));
        } catch (IOException | RuntimeException x) {
            LOG.log(System.Logger.Level.DEBUG, "refusing a WebSocket failed", x);
        }
    }

    /** Called at the handshake: takes a connection slot, or refuses with the HTTP error. */
    void open(TicketedRequest ticketed) {
        credential = new WsCredential(engine, ticketed, principal, remoteAddress, this::credentialExpired);
        session = engine.open(this, Integer.MAX_VALUE, remoteAddress, credential.access(), credential.principal());
        try {
            live.start(session); // a refused connect-time join refuses the handshake
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        // a client that vanishes mid-handshake never reaches onOpen: give its slot back
        engine.scheduler().schedule(() -> {
            if (ws == null) {
                session.close();
            }
        }, 30, TimeUnit.SECONDS);
    }

    /** The handshake failed after {@link #open}: give the slot back. */
    void abandon() {
        session.close();
    }

    private void onText(String text) {
        if (closeWhenSent != null) {
            return; // closing: frames after the decision are neither published nor acknowledged
        }
        JsonValue ref = null;
        String channel = null;
        try {
            JsonValue value = JsonText.parse(text);
            if (!(value instanceof JsonObject frame)) {
                throw new RealtimeException(ErrorCode.INVALID_FRAME, "a frame must be a JSON object with a type");
            }
            ref = frame.get("ref");
            JsonValue c = frame.get("channel");
            if (c instanceof JsonString s) {
                channel = s.getString();
            }
            String type = string(frame, "type", true);
            switch (type) {
                case FrameTypes.SUBSCRIBE -> {
                    String name = Names.subscription(string(frame, "channel", true), live.v11());
                    Since since = Since.parse(string(frame, "since", false));
                    boolean presence = flag(frame, "presence");
                    if (presence) {
                        Names.channel(name); // a pattern has no presence: refused before anything is subscribed
                    }
                    JsonValue echo = ref;
                    session.subscribe(name, since, cursor -> new Outbound.Control(Frames.subscribed(name, echo, cursor)));
                    if (presence) {
                        session.watchPresence(name);
                    }
                }
                case FrameTypes.UNSUBSCRIBE -> {
                    String name = Names.subscription(string(frame, "channel", true), live.v11());
                    session.unsubscribe(name, new Outbound.Control(Frames.unsubscribed(name, ref)));
                }
                case FrameTypes.PUBLISH -> publish(frame, ref);
                case FrameTypes.PING -> session.enqueueControl(Frames.pong(ref));
                case FrameTypes.AUTH -> credential.refresh(string(frame, "ticket", true), ref, session);
                case FrameTypes.JOIN -> {
                    requireV11(type);
                    String name = Names.channel(string(frame, "channel", true));
                    if (!withinRate(ref, name)) {
                        return;
                    }
                    JsonValue info = frame.get("info");
                    String member = session.live().join(name, string(frame, "member", false), userName(),
                            info == null ? null : JsonText.compact(info));
                    session.enqueueControl(Frames.joined(name, member, ref));
                }
                case FrameTypes.LEAVE -> {
                    requireV11(type);
                    String name = Names.channel(string(frame, "channel", true));
                    if (!withinRate(ref, name)) {
                        return;
                    }
                    session.live().leave(name);
                    session.enqueueControl(Frames.left(name, ref));
                }
                case FrameTypes.MEMBERS -> {
                    requireV11(type);
                    String name = Names.channel(string(frame, "channel", true));
                    if (!session.access().maySubscribe(name)) {
                        throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not see the presence of " + name);
                    }
                    if (!withinRate(ref, name)) { // a member list is a read of the bus (Redis) each time
                        return;
                    }
                    session.enqueueControl(Frames.members(name, engine.members(name), ref));
                }
                default -> throw new RealtimeException(ErrorCode.INVALID_FRAME, "unknown frame type '" + type
                        + "'; use subscribe, unsubscribe, publish, ping or auth" + (live.v11() ? ", join, leave or members" : ""));
            }
        } catch (RealtimeException e) {
            engine.metrics().refused(e.code());
            session.enqueueControl(Frames.error(e.code(), e.getMessage(), ref, channel));
        } catch (RuntimeException e) {
            // a frame we failed to foresee must not end the connection: answer it and carry on
            LOG.log(System.Logger.Level.DEBUG, "refused a frame", e);
            engine.metrics().refused(ErrorCode.INVALID_FRAME);
            session.enqueueControl(Frames.error(ErrorCode.INVALID_FRAME, "the frame could not be handled", ref, channel));
        }
    }

    /** Who joins presence: the ticket's user (after a refresh, the new one), else the container's. */
    private String userName() {
        Principal p = credential.principal();
        return p == null ? null : p.getName();
    }

    /** The 1.1 frames on a 1.0 connection are what they were before: unknown. */
    private void requireV11(String type) {
        if (!live.v11()) {
            throw new RealtimeException(ErrorCode.INVALID_VERSION, "the " + type + " frame is protocol 1.1: connect with ?v=1.1");
        }
    }

    /** An optional boolean field; on a 1.0 connection the 1.1 fields are refused. */
    private boolean flag(JsonObject frame, String field) {
        JsonValue v = frame.get(field);
        if (v == null || v == JsonValue.NULL || v == JsonValue.FALSE) {
            return false;
        }
        if (v != JsonValue.TRUE) {
            throw new RealtimeException(ErrorCode.INVALID_FRAME, "the field '" + field + "' must be true or false");
        }
        requireV11("'" + field + "' field of the " + string(frame, "type", true));
        return true;
    }

    private void publish(JsonObject frame, JsonValue ref) {
        String channel = Names.channel(string(frame, "channel", true));
        String event = Names.event(string(frame, "event", false));
        boolean ephemeral = flag(frame, "ephemeral");
        if (!frame.containsKey("data")) {
            throw new RealtimeException(ErrorCode.INVALID_FRAME, "a publish frame needs data (any JSON value, null included)");
        }
        String data = JsonText.compact(frame.get("data"));
        if (data.length() > engine.settings().messageMaxSize) {
            throw engine.tooLarge();
        }
        // extension: an optional idempotencyKey, as the Idempotency-Key header over HTTP (docs/protocol.md)
        String key = Names.idempotencyKey(string(frame, "idempotencyKey", false));
        if (!withinRate(ref, channel)) {
            return;
        }
        Published p = engine.publishFromClient(new ClientPublish(channel, event, data, credential.principal(), "websocket", remoteAddress, ephemeral),
                ephemeral ? null : key, session.access());
        session.enqueueControl(ephemeral ? Frames.ackEphemeral(channel, ref) : Frames.ack(p, ref));
    }

    /**
     * Publishes and presence changes fan out to every subscriber or watcher, so both count against
     * the connection's publish rate: false when the frame was over it and the connection, far over it
     * (20 refusals in a row), is being closed; a refusal short of that throws {@code rate_limited}.
     */
    private boolean withinRate(JsonValue ref, String channel) {
        if (publishRate.tryAcquire(System.nanoTime())) {
            refusedInARow = 0;
            return true;
        }
        if (++refusedInARow >= MAX_REFUSED_IN_A_ROW) {
            // acks already queued go out first, then the reason, then the close
            RealtimeException e = engine.rateLimited();
            engine.metrics().refused(e.code());
            session.enqueueControl(Frames.error(e.code(), e.getMessage() + "; closing the connection", ref, channel));
            closeAfterQueued(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "publishing far over the rate limit"));
            return false;
        }
        throw engine.rateLimited();
    }

    private static String string(JsonObject frame, String field, boolean required) {
        JsonValue v = frame.get(field);
        if (v == null || v == JsonValue.NULL) {
            if (required) {
                throw new RealtimeException(ErrorCode.INVALID_FRAME, "the frame needs a string field '" + field + "'");
            }
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new RealtimeException(ErrorCode.INVALID_FRAME, "the field '" + field + "' must be a string");
        }
        return s.getString();
    }

    @Override
    public void wake() {
        engine.drain(pumpTask);
    }

    @Override
    public Transport transport() {
        return Transport.WEBSOCKET;
    }

    /** Sends the next queued frame unless one is already on its way; the send's completion continues. */
    private void pump() {
        jakarta.websocket.Session w = ws;
        if (w == null || !sending.compareAndSet(false, true)) {
            return;
        }
        Outbound o = session.poll();
        if (o == null) {
            sending.set(false);
            CloseReason closing = closeWhenSent;
            if (closing != null && !session.hasPending()) {
                // not from inside a send's completion: the container's close is a blocking send
                // that would wait on the very send completing here
                engine.executor().execute(() -> close(closing));
            } else if (session.hasPending()) {
                wake();
            }
            return;
        }
        try {
            String frame = Frames.encode(o);
            engine.metrics().sent(Transport.WEBSOCKET, o);
            engine.metrics().wroteFrame(Transport.WEBSOCKET, o, frame);
            w.getAsyncRemote().sendText(frame, result -> {
                sending.set(false);
                if (!result.isOK()) {
                    LOG.log(System.Logger.Level.DEBUG, "a WebSocket send failed", result.getException());
                    release();
                } else if (session.hasPending() || closeWhenSent != null) {
                    continueFromCompletion(); // with nothing left, a closing connection closes there
                }
            });
        } catch (RuntimeException e) {
            sending.set(false);
            LOG.log(System.Logger.Level.DEBUG, "a WebSocket send failed", e);
            release();
        }
    }

    /**
     * Sends the next frame straight from the completion of the last one, saving a hand-off to the
     * executor per frame (the benchmark's profile). Tomcat may complete a send inside sendText, so
     * the nesting is bounded: past a few levels the executor takes over.
     */
    private void continueFromCompletion() {
        if (nesting.incrementAndGet() <= MAX_NESTING) {
            try {
                pump();
            } finally {
                nesting.decrementAndGet();
            }
        } else {
            nesting.decrementAndGet();
            wake();
        }
    }

    /** A ping only between frames, so it never waits behind a slow reader. */
    private void ping() {
        jakarta.websocket.Session w = ws;
        if (w == null || !w.isOpen() || !sending.compareAndSet(false, true)) {
            return;
        }
        try {
            w.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "a WebSocket ping failed", e);
        } finally {
            sending.set(false);
        }
        if (session.hasPending()) {
            wake();
        }
    }

    @Override
    public void terminate(Session.CloseCause cause) {
        CloseReason reason = switch (cause) {
            case SLOW_CONSUMER -> new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "slow consumer: resume from your last cursor");
            case POLICY_VIOLATION -> new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "publishing far over the rate limit");
            case SHUTDOWN -> new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
            case DROPPED -> new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "connection dropped by the server; resume from your last cursor");
        };
        engine.executor().execute(() -> close(reason));
    }

    /** The credential expired unrefreshed: the reason, then close 4401 (version 1.1). */
    private void credentialExpired() {
        RealtimeException e = dev.realtime.internal.tickets.Tickets.expired();
        session.enqueueControl(Frames.error(e.code(), e.getMessage(), null, null));
        closeAfterQueued(new CloseReason(CloseReason.CloseCodes.getCloseCode(CREDENTIAL_EXPIRED_CLOSE), e.code().code()));
    }

    private void closeAfterQueued(CloseReason reason) {
        closeWhenSent = reason;
        wake();
        // a client that stopped reading cannot hold the connection open by not taking its last frames
        engine.scheduler().schedule(() -> engine.executor().execute(() -> close(reason)), CLOSE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void close(CloseReason reason) {
        release();
        try {
            jakarta.websocket.Session w = ws;
            if (w != null && w.isOpen()) {
                w.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a WebSocket failed", e);
        }
    }

    private void release() {
        if (credential != null) {
            credential.release();
        }
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
        Session s = session;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void onClose(jakarta.websocket.Session ws, CloseReason reason) {
        release();
    }

    @Override
    public void onError(jakarta.websocket.Session ws, Throwable error) {
        LOG.log(System.Logger.Level.DEBUG, "WebSocket error", error);
        release();
    }
}
