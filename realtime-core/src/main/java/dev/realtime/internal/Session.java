package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.internal.presence.SessionLive;
import dev.realtime.internal.metrics.Transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One client connection, whatever its transport: its subscriptions, its position in every channel,
 * and its bounded outbound queue. Transports only move {@link Outbound} items to the wire.
 *
 * <p>One lock, the session's own, guards it and the parts it is made of: subscribing
 * ({@link Subscriptions}), the replay rule ({@link Replay}), the outbound queue with its overflow
 * policy ({@link OutboundQueue}) and the cursor's text ({@link CursorText}).
 */
public final class Session implements dev.realtime.Connection {

    /** The transport side of a session. Both methods are called on library threads, never while blocking I/O. */
    public interface Output {
        /** The queue went from empty to non-empty: drain it (on your own thread, not the caller's). */
        void wake();

        /** The session is over: close the connection the way the transport does for this cause. */
        void terminate(CloseCause cause);

        /** The transport, for the meters. */
        default Transport transport() {
            return Transport.LOCAL;
        }
    }

    public enum CloseCause {
        /** The outbound queue overflowed under the {@code disconnect} policy. */
        SLOW_CONSUMER,
        /** The web application is stopping. */
        SHUTDOWN,
        /** Dropped on purpose by the server (operations, tests); the client should resume. */
        DROPPED,
        /** The client broke a rule (e.g. kept publishing far over its rate). */
        POLICY_VIOLATION
    }

    /** A long-poll answer: the items taken and the cursor that covers exactly them. */
    public record Batch(List<Outbound> items, String cursor) {
    }

    private final Engine engine;
    /** The transport; replaced when a long-poll session is parked between polls and taken over by the next one. */
    private volatile Output output;
    private final String address;
    private final ChannelAccess access;
    private final Map<String, ChannelState> channels = new LinkedHashMap<>();
    private final OutboundQueue queue;
    private final CursorText cursorText = new CursorText();
    private final Replay replay;
    /** Wildcard subscriptions (protocol 1.1). */
    private final Patterns patterns;
    private final Subscriptions subscriptions;
    /** Protocol 1.1: ephemeral messages, presence feeds and joins; null on a 1.0 connection. */
    private volatile SessionLive live;
    /** When the session ends, its presence members stay until then (a long-poll between polls); 0: leave at once. */
    private volatile long presenceKeptUntil;
    private String epoch;
    /** Deliveries this session may still take from history (long-poll answers are bounded). */
    private int replayBudget;
    /** No more items are queued (closing, or the queue overflowed and the transport is being told). */
    private boolean closed;
    /** Subscriptions released and the engine told: cleanup happens once. */
    private boolean released;

    private final java.security.Principal principal;
    private final String id;

    Session(Engine engine, Output output, int replayBudget, String address, ChannelAccess access, java.security.Principal principal) {
        this.engine = engine;
        this.principal = principal;
        this.id = engine.nextConnectionId();
        this.address = address;
        this.access = access;
        this.output = output;
        this.epoch = engine.bus().epoch();
        this.replayBudget = replayBudget;
        Settings s = engine.settings();
        this.queue = new OutboundQueue(s.queueMaxMessages, s.queueMaxBytes, s.queuePolicy, engine.metrics()::droppedOldest);
        this.replay = new Replay(this, engine);
        this.patterns = new Patterns(this, engine, replay, access);
        this.subscriptions = new Subscriptions(this, engine, replay, patterns);
    }

    /**
     * Makes this a protocol 1.1 session: its subscriptions also follow the live bus (ephemeral
     * messages), patterns may be subscribed, and it may join and watch presence. Before subscribing.
     */
    public void protocol11() {
        if (live == null) {
            Settings s = engine.settings();
            live = new SessionLive(engine.live(), engine.presence(), engine.clock(), s.presenceMaxInfoSize, s.channelsMax, access,
                    this::enqueueLive, this);
        }
    }

    /** The session's presence and live feeds (protocol 1.1). */
    public SessionLive live() {
        SessionLive l = live;
        if (l == null) {
            throw new RealtimeException(ErrorCode.INVALID_VERSION, "presence is protocol 1.1: connect with v=1.1");
        }
        return l;
    }

    /** The session's presence and live feeds, or null on a 1.0 session. */
    SessionLive liveOrNull() {
        return live;
    }

    /** The channels whose presence this session joined; none for a 1.0 session. */
    public List<String> joinedChannels() {
        SessionLive l = live;
        return l == null ? List.of() : l.joinedChannels();
    }

    /** The channels whose presence events this session receives; none for a 1.0 session. */
    public List<String> watchedChannels() {
        SessionLive l = live;
        return l == null ? List.of() : l.watchedChannels();
    }

    /**
     * After the connection's rights changed (a refreshed credential): the memberships {@code rights} no
     * longer allow end now, and the Authorizer is asked afresh about every channel a pattern matches.
     *
     * @return the channels whose presence this session left
     */
    public List<String> leaveRevoked(ChannelAccess rights) {
        synchronized (this) {
            patterns.forgetDecisions();
        }
        List<String> left = new ArrayList<>();
        for (String channel : joinedChannels()) {
            if (!rights.maySubscribe(channel) && live.leave(channel)) {
                left.add(channel);
            }
        }
        return left;
    }

    /** Sends the channel's member list, then its presence changes (protocol 1.1). */
    public void watchPresence(String channel) {
        SessionLive l = live();
        Names.channel(channel);
        checkAccess(channel);
        l.follow(channel, false, true);
    }

    /** A long-poll answered: its members stay present until then after the session ends, unless it polls again. */
    public void keepPresenceUntil(long millis) {
        presenceKeptUntil = millis;
    }

    private synchronized void enqueueLive(Outbound o) {
        enqueue(o);
    }

    /** Subscribes several channels at once (connect-time channels); validates all before subscribing any. */
    public void subscribeAll(List<String> names, Since since) {
        subscribeAll(names, since, null);
    }

    /**
     * Subscribes one channel, or re-subscribes a live one (which replays only when {@code since} is
     * not {@link Since#NOW}). {@code announce}, when given, makes the item queued once the subscription is live and
     * before any replay.
     */
    public void subscribe(String name, Since since, Function<String, Outbound> announce) {
        subscribeAll(List.of(name), since, announce == null ? null : (channel, cursor) -> announce.apply(cursor));
    }

    /**
     * Subscribes several channels; validates all before subscribing any. Every new channel joins the
     * cursor at its starting position before any replay begins, so each cursor handed out while the
     * channels replay one after the other still covers all of them (issue 21). {@code announce}, when
     * given, makes an item per channel from (channel, cursor), queued once all are live and before any
     * replay. A channel already subscribed is re-subscribed: it replays only when {@code since} is not
     * {@link Since#NOW}.
     */
    public void subscribeAll(List<String> names, Since since, BiFunction<String, String, Outbound> announce) {
        subscriptions.subscribeAll(names, since, announce);
    }

    /** Under the lock: a channel enters the session and its cursor. */
    ChannelState addChannel(String name, boolean explicit) {
        ChannelState state = new ChannelState(name, replay);
        state.explicit = explicit;
        channels.put(name, state);
        cursorText.channelsChanged();
        return state;
    }

    /** Under the lock: a channel only a pattern fed leaves the session (and, with {@code withdraw}, the queue). */
    void removeChannel(ChannelState state, boolean withdraw) {
        if (channels.remove(state.name, state)) {
            state.gone = true;
            cursorText.channelsChanged();
            if (withdraw) {
                queue.withdraw(state.name);
            }
        }
    }

    /** Under the lock: the patterns changed, so the cursor's layout does. */
    void cursorChanged() {
        cursorText.channelsChanged();
    }

    /**
     * Stops a channel or pattern; queued messages of that channel (or of the channels only the pattern
     * fed) are withdrawn, then {@code after} is queued. A channel a pattern still matches stays, fed by it.
     */
    public void unsubscribe(String name, Outbound after) {
        subscriptions.unsubscribe(name, after, true);
    }

    /** Queues a transport frame in order with the messages. */
    public synchronized void enqueueControl(String text) {
        enqueue(new Outbound.Control(text));
    }

    public Outbound poll() {
        Outbound o;
        List<ChannelState> resume;
        synchronized (this) {
            o = queue.poll();
            resume = replay.resumeIfDrained();
        }
        if (resume != null) {
            for (ChannelState s : resume) {
                replay.later(s, 0);
            }
        }
        return o;
    }

    public synchronized boolean hasPending() {
        return !queue.isEmpty();
    }

    /** Takes everything queued, with the cursor that stands right after it. */
    public synchronized Batch drain() {
        return new Batch(queue.takeAll(), cursor());
    }

    /** The cursor covering every subscribed channel (and pattern) at the last position queued. Runs for every delivery. */
    public synchronized String cursor() {
        return cursorText.render(epoch, channels.values(), patterns.slots());
    }

    /** What the session subscribed: channels by name and patterns (not the channels patterns matched). */
    public synchronized List<String> channels() {
        List<String> names = new ArrayList<>(channels.size() + patterns.count());
        for (ChannelState state : channels.values()) {
            if (state.explicit) {
                names.add(state.name);
            }
        }
        names.addAll(patterns.names());
        return names;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Whether a long-poll session can be kept for the next poll: open, and every channel live (a
     * channel still replaying, or held back by the answer's size, is picked up by the full path).
     */
    synchronized boolean resumable() {
        if (closed || released || replay.anySuspended() || patterns.resuming()) {
            return false;
        }
        for (ChannelState s : channels.values()) {
            if (s.replaying) {
                return false;
            }
        }
        return true;
    }

    /** Hands the session to another transport object (see {@link ParkedPolls}), with a fresh replay budget. */
    synchronized void attach(Output output, int replayBudget) {
        this.output = output;
        this.replayBudget = replayBudget;
    }

    /** Ends the session: leaves every channel and forgets the queue. Safe to call more than once. */
    public void close() {
        List<ChannelState> states;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            closed = true;
            queue.clear();
            states = new ArrayList<>(channels.values());
            channels.clear();
            cursorText.channelsChanged();
        }
        for (ChannelState s : states) {
            s.gone = true;
            if (s.subscription != null) {
                s.subscription.close();
            }
        }
        patterns.closeAll();
        SessionLive l = live;
        if (l != null) {
            l.close(presenceKeptUntil);
        }
        engine.forget(this);
        if (engine.listeners().any()) {
            for (ChannelState s : states) {
                engine.listeners().unsubscribed(this, s.name);
            }
            engine.listeners().closed(this);
        }
    }

    /** Closes the session and tells the transport to close its connection. */
    void terminate(CloseCause cause) {
        engine.metrics().disconnected(cause);
        output.terminate(cause); // first: a long-poll answers with what is queued and the cursor that covers it
        close();
    }

    String address() {
        return address;
    }

    Transport transportKind() {
        return output.transport();
    }

    public ChannelAccess access() {
        return access;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public java.util.Optional<java.security.Principal> principal() {
        return java.util.Optional.ofNullable(principal);
    }

    @Override
    public String transport() {
        return output.transport().tag();
    }

    @Override
    public String remoteAddress() {
        return address;
    }

    @Override
    public synchronized String toString() {
        return "Session[" + address + ", " + (closed ? "closed" : "open") + ", " + channels.size() + " channels, queue "
                + queue + ", epoch " + epoch + "]";
    }

    void checkAccess(String channel) {
        if (!access.maySubscribe(channel)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not subscribe to " + channel);
        }
    }

    // ---- for Replay, always under this session's lock ----

    boolean ended() {
        return closed;
    }

    String epoch() {
        return epoch;
    }

    void moveToEpoch(String current) {
        epoch = current;
    }

    ChannelState channel(String name) {
        return channels.get(name);
    }

    Collection<ChannelState> channelStates() {
        return channels.values();
    }

    OutboundQueue queue() {
        return queue;
    }

    int replayBudget() {
        return replayBudget;
    }

    void spendReplayBudget() {
        replayBudget--;
    }

    /** Every change of a channel's position comes here, to keep the cursor's text current. */
    void setPosition(ChannelState state, long position) {
        cursorText.setPosition(state.slot, position);
    }

    /** A pattern's entry in the cursor (its time, in seconds). */
    void setPosition(CursorText.Slot slot, long position) {
        cursorText.setPosition(slot, position);
    }

    /** A live message (or one held while its channel replayed). */
    void deliver(ChannelState state, Message m) {
        deliver(state, m, true);
    }

    /** {@code live} is false for a message read from history. */
    void deliver(ChannelState state, Message m, boolean live) {
        setPosition(state, m.position());
        enqueue(new Outbound.Delivery(m, cursor(), live));
    }

    /** Queues an item, applies the slow-consumer policy, wakes the transport. */
    void enqueue(Outbound o) {
        if (closed) {
            return;
        }
        if (!queue.add(o)) { // overflowed under the disconnect policy
            closed = true;
            engine.executor().execute(() -> terminate(CloseCause.SLOW_CONSUMER));
            return;
        }
        if (queue.size() == 1) {
            output.wake();
        }
    }
}
