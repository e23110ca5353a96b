package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.internal.metrics.Transport;
import dev.realtime.spi.BusUnavailableException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One client connection, whatever its transport: its subscriptions, its position in every channel,
 * and its bounded outbound queue. Transports only move {@link Outbound} items to the wire.
 *
 * <p>One lock, the session's own, guards it and the parts it is made of: the subscribe/replay rule
 * ({@link Replay}), the outbound queue with its overflow policy ({@link OutboundQueue}) and the
 * cursor's text ({@link CursorText}).
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
        // loops, not streams: every long-poll comes through here (the benchmark's profile)
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
        distinct.forEach(Names::channel);
        distinct.forEach(this::checkAccess);
        List<ChannelState> fresh = new ArrayList<>(distinct.size());
        List<String> again = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            int added = 0;
            for (String name : distinct) {
                added += channels.containsKey(name) ? 0 : 1;
            }
            checkLimit(channels.size() + added);
            for (String name : distinct) {
                if (channels.containsKey(name)) {
                    again.add(name);
                } else {
                    ChannelState state = new ChannelState(name, replay);
                    channels.put(name, state);
                    fresh.add(state);
                }
            }
            cursorText.channelsChanged();
        }
        try {
            replay.start(fresh, since, announce);
            for (String name : again) {
                replay.again(name, since, announce);
            }
        } catch (BusUnavailableException e) {
            for (ChannelState state : fresh) {
                unsubscribe(state.name, null, false);
            }
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        }
        if (engine.listeners().any()) {
            for (ChannelState state : fresh) {
                if (!state.gone) {
                    engine.listeners().subscribed(this, state.name);
                }
            }
        }
    }

    /** Stops a channel; queued messages of that channel are withdrawn, then {@code after} is queued. */
    public void unsubscribe(String name, Outbound after) {
        unsubscribe(name, after, true);
    }

    private void unsubscribe(String name, Outbound after, boolean tell) {
        ChannelState state;
        synchronized (this) {
            state = channels.remove(name);
            cursorText.channelsChanged();
            if (state != null) {
                state.gone = true;
                queue.withdraw(name);
            }
            if (after != null) {
                enqueue(after);
            }
        }
        if (state != null && state.subscription != null) {
            state.subscription.close();
        }
        if (tell && state != null && engine.listeners().any()) {
            engine.listeners().unsubscribed(this, name);
        }
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

    /** The cursor covering every subscribed channel at the last position queued. Runs for every delivery. */
    public synchronized String cursor() {
        return cursorText.render(epoch, channels.values());
    }

    public synchronized List<String> channels() {
        return List.copyOf(channels.keySet());
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Whether a long-poll session can be kept for the next poll: open, and every channel live (a
     * channel still replaying, or held back by the answer's size, is picked up by the full path).
     */
    synchronized boolean resumable() {
        if (closed || released || replay.anySuspended()) {
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

    private void checkAccess(String channel) {
        if (!access.maySubscribe(channel)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not subscribe to " + channel);
        }
    }

    private void checkLimit(int wanted) {
        int max = engine.settings().channelsMax;
        if (wanted > max) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "a connection may subscribe to at most " + max + " channels");
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
