package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
 * <p>Subscribing follows one rule for every transport: register with the bus first, then read the
 * start position or replay history, and hold live messages that arrive meanwhile; afterwards a live
 * message is delivered only if its position is past the last one delivered. So nothing published
 * after the subscription went live is lost, and nothing is delivered twice.
 */
public final class Session {
    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    /** The transport side of a session. Both methods are called on library threads, never while blocking I/O. */
    public interface Output {
        /** The queue went from empty to non-empty: drain it (on your own thread, not the caller's). */
        void wake();

        /** The session is over: close the connection the way the transport does for this cause. */
        void terminate(CloseCause cause);
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

    private static final int PAGE = 256;

    private final Engine engine;
    private final MessageBus bus;
    /** The transport; replaced when a long-poll session is parked between polls and taken over by the next one. */
    private volatile Output output;
    private final String address;
    private final ChannelAccess access;
    private final Map<String, ChannelState> channels = new LinkedHashMap<>();
    private final ArrayDeque<Outbound> queue = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private final Settings.QueuePolicy policy;
    private long queuedBytes;
    /** Channels whose replay waits for the reader to catch up. */
    private int suspendedReplays;
    private String epoch;
    /** Deliveries this session may still take from history (long-poll answers are bounded). */
    private int replayBudget;
    /** No more items are queued (closing, or the queue overflowed and the transport is being told). */
    private boolean closed;
    /** Subscriptions released and the engine told: cleanup happens once. */
    private boolean released;
    /** The cursor's text as last built, kept so a delivery rewrites one position instead of the whole cursor. */
    private char[] cursorText;
    /** Channels added or removed: the cursor's text must be laid out again. */
    private int layoutChanges;
    private int renderedLayout = -1;
    private String renderedEpoch;
    private boolean cursorStale = true;

    Session(Engine engine, Output output, int replayBudget, String address, ChannelAccess access) {
        this.engine = engine;
        this.address = address;
        this.access = access;
        this.bus = engine.bus();
        this.output = output;
        this.epoch = bus.epoch();
        this.replayBudget = replayBudget;
        Settings s = engine.settings();
        this.maxMessages = s.queueMaxMessages;
        this.maxBytes = s.queueMaxBytes;
        this.policy = s.queuePolicy;
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
                    ChannelState state = new ChannelState(name);
                    channels.put(name, state);
                    fresh.add(state);
                }
            }
            layoutChanges++;
        }
        try {
            start(fresh, since, announce);
            for (String name : again) {
                resubscribe(name, since, announce);
            }
        } catch (BusUnavailableException e) {
            for (ChannelState state : fresh) {
                unsubscribe(state.name, null);
            }
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        }
    }

    /** Where a new subscription starts: its position, whether it replays, and whether its gap is known before reading. */
    private record Start(long position, boolean replay, boolean gapFirst, boolean reportGap) {
    }

    /**
     * Makes new channels live, puts each at its starting position in the cursor, queues the
     * announcements and the gaps already known (a cursor of another epoch), then replays one by one.
     */
    private void start(List<ChannelState> fresh, Since since, BiFunction<String, String, Outbound> announce) {
        for (ChannelState state : fresh) {
            state.subscription = bus.subscribe(state.name, state);
        }
        String cursorEpoch = since instanceof Since.After after ? after.cursor().epoch() : null;
        Start[] starts = new Start[fresh.size()];
        for (int i = 0; i < starts.length; i++) {
            String name = fresh.get(i).name;
            long covered = since instanceof Since.After after ? after.cursor().positionOf(name) : -1;
            if (covered >= 0) {
                boolean sameHistory;
                synchronized (this) {
                    sameHistory = cursorEpoch.equals(epoch);
                }
                // another epoch's position means nothing here: the gap is certain, report it before any message
                starts[i] = sameHistory ? new Start(covered, true, false, true) : new Start(0, true, true, false);
            } else if (since instanceof Since.Earliest) {
                starts[i] = new Start(0, true, false, false);
            } else {
                starts[i] = new Start(bus.head(name), false, false, false);
            }
        }
        List<ChannelState> replays = new ArrayList<>(fresh.size());
        List<BusSubscription> orphaned = new ArrayList<>();
        String startEpoch;
        synchronized (this) {
            startEpoch = epoch;
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (state.gone) { // closed or unsubscribed meanwhile
                    orphaned.add(state.subscription);
                } else {
                    setPosition(state, starts[i].position());
                }
            }
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (!state.gone && announce != null) {
                    enqueue(announce.apply(state.name, cursor()));
                }
            }
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (!state.gone && starts[i].gapFirst()) {
                    enqueue(new Outbound.Gap(state.name));
                }
            }
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (!state.gone && !starts[i].replay()) {
                    finishReplay(state);
                }
            }
        }
        orphaned.forEach(BusSubscription::close);
        for (int i = 0; i < starts.length; i++) {
            if (starts[i].replay()) {
                replay(fresh.get(i), null, startEpoch, starts[i].position(), starts[i].reportGap());
            }
        }
    }

    /** A live channel subscribed again: replays from {@code since} if given, else only announces. */
    private void resubscribe(String name, Since since, BiFunction<String, String, Outbound> announce) {
        ChannelState state;
        synchronized (this) {
            state = channels.get(name);
            if (state == null) {
                return;
            }
        }
        Function<String, Outbound> announceThis = announce == null ? null : cursor -> announce.apply(name, cursor);
        if (since instanceof Since.After after && after.cursor().positionOf(name) >= 0) {
            replay(state, announceThis, after.cursor().epoch(), after.cursor().positionOf(name), true);
        } else if (since instanceof Since.Earliest) {
            replay(state, announceThis, bus.epoch(), 0, false);
        } else if (announceThis != null) {
            synchronized (this) {
                enqueue(announceThis.apply(cursor()));
            }
        }
    }

    /**
     * Replays in the background (after a bus resync, or when the reader caught up). If the replay
     * fails, whatever the reason (the bus down, or refusing a command while it restarts), it is tried
     * again shortly: the channel keeps holding its live messages meanwhile, and a replay given up
     * would hold them for good.
     */
    private void replayLater(ChannelState state, long delayMillis) {
        Runnable run = () -> {
            try {
                replay(state, null, null, 0, true); // from wherever the channel stands when the replay starts
            } catch (RuntimeException e) {
                if (!(e instanceof BusUnavailableException)) {
                    LOG.log(System.Logger.Level.WARNING, "replaying channel " + state.name + " failed; retrying in 1 s: " + e);
                }
                synchronized (this) {
                    if (state.gone || closed) {
                        return;
                    }
                }
                replayLater(state, 1000);
            }
        };
        if (delayMillis == 0) {
            engine.executor().execute(run);
        } else {
            engine.scheduler().schedule(() -> engine.executor().execute(run), delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Stops a channel; queued messages of that channel are withdrawn, then {@code after} is queued. */
    public void unsubscribe(String name, Outbound after) {
        ChannelState state;
        synchronized (this) {
            state = channels.remove(name);
            layoutChanges++;
            if (state != null) {
                state.gone = true;
                for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
                    Outbound o = it.next();
                    if ((o instanceof Outbound.Delivery d && d.message().channel().equals(name))
                            || (o instanceof Outbound.Gap g && g.channel().equals(name))) {
                        it.remove();
                        queuedBytes -= o.weight();
                    }
                }
            }
            if (after != null) {
                enqueue(after);
            }
        }
        if (state != null && state.subscription != null) {
            state.subscription.close();
        }
    }

    /** Queues a transport frame in order with the messages. */
    public synchronized void enqueueControl(String text) {
        enqueue(new Outbound.Control(text));
    }

    public Outbound poll() {
        Outbound o;
        List<ChannelState> resume = null;
        synchronized (this) {
            o = queue.pollFirst();
            if (o != null) {
                queuedBytes -= o.weight();
            }
            if (suspendedReplays > 0 && queue.size() <= maxMessages / 4 && queuedBytes <= maxBytes / 4) {
                resume = new ArrayList<>();
                for (ChannelState s : channels.values()) {
                    if (s.suspended) {
                        s.suspended = false;
                        resume.add(s);
                    }
                }
                suspendedReplays = 0;
            }
        }
        if (resume != null) {
            for (ChannelState s : resume) {
                replayLater(s, 0);
            }
        }
        return o;
    }

    public synchronized boolean hasPending() {
        return !queue.isEmpty();
    }

    /** Takes everything queued, with the cursor that stands right after it. */
    public synchronized Batch drain() {
        List<Outbound> items = new ArrayList<>(queue);
        queue.clear();
        queuedBytes = 0;
        return new Batch(items, cursor());
    }

    /**
     * The cursor covering every subscribed channel at the last position queued. Runs for every
     * delivery: the text is kept, and {@link #setPosition} rewrites the one position that moved in
     * place, so a delivery costs a copy of the text, not a walk over every channel of the session.
     */
    public synchronized String cursor() {
        if (cursorStale || renderedLayout != layoutChanges || !epoch.equals(renderedEpoch)) {
            layOutCursor();
        }
        return new String(cursorText);
    }

    /** Under the session lock: every change of a channel's position comes here, to keep the cursor's text current. */
    private void setPosition(ChannelState s, long position) {
        s.lastPosition = position;
        // a channel missing from the text, or a position with another digit count: lay the text out again
        // (writing into a text that cursor() will lay out anyway, after channels or the epoch changed, is harmless)
        if (!cursorStale && (s.layout != renderedLayout
                || !Cursor.rewritePosition(cursorText, s.digitsAt, s.digitsLength, position))) {
            cursorStale = true;
        }
    }

    private void layOutCursor() {
        StringBuilder b = new StringBuilder(24 + channels.size() * 20);
        b.append("1~").append(epoch);
        for (ChannelState s : channels.values()) {
            b.append(s.entryPrefix);
            s.digitsAt = b.length();
            Cursor.appendPosition(b, s.lastPosition);
            s.digitsLength = b.length() - s.digitsAt;
            s.layout = layoutChanges;
        }
        cursorText = new char[b.length()];
        b.getChars(0, b.length(), cursorText, 0);
        renderedLayout = layoutChanges;
        renderedEpoch = epoch;
        cursorStale = false;
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
        if (closed || released || suspendedReplays > 0) {
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
            queuedBytes = 0;
            states = new ArrayList<>(channels.values());
            channels.clear();
            layoutChanges++;
        }
        for (ChannelState s : states) {
            s.gone = true;
            if (s.subscription != null) {
                s.subscription.close();
            }
        }
        engine.forget(this);
    }

    /** Closes the session and tells the transport to close its connection. */
    void terminate(CloseCause cause) {
        output.terminate(cause); // first: a long-poll answers with what is queued and the cursor that covers it
        close();
    }

    String address() {
        return address;
    }

    public ChannelAccess access() {
        return access;
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

    /**
     * Replays history after ({@code fromEpoch}, {@code after}), then releases the live messages held
     * meanwhile. One replay per channel at a time.
     */
    private void replay(ChannelState state, Function<String, Outbound> announce, String fromEpoch, long after, boolean reportGap) {
        synchronized (state.replayLock) {
            synchronized (this) {
                if (state.gone || closed) {
                    return;
                }
                if (fromEpoch == null) { // continue from the channel's own position, in the epoch it belongs to
                    fromEpoch = state.staleEpoch != null ? state.staleEpoch : epoch;
                    after = state.lastPosition;
                }
                state.replaying = true;
                boolean sameHistory = fromEpoch.equals(epoch);
                // the cursor's position stands even when nothing newer exists; another epoch's means nothing here
                setPosition(state, sameHistory ? after : 0);
                if (announce != null) {
                    enqueue(announce.apply(cursor()));
                }
                if (!sameHistory) { // the gap is certain: reported before any message, then all that is retained
                    if (reportGap) {
                        enqueue(new Outbound.Gap(state.name));
                    }
                    reportGap = false;
                    fromEpoch = epoch;
                    after = 0;
                }
            }
            String readEpoch = fromEpoch;
            long position = after;
            while (true) {
                int limit;
                synchronized (this) {
                    if (state.gone || closed) {
                        return;
                    }
                    limit = Math.min(PAGE, replayBudget);
                    if (limit <= 0) {
                        return; // this answer is full: the channel stays behind, the next poll continues from the cursor
                    }
                    if (queueHalfFull()) {
                        suspend(state);
                        return;
                    }
                    limit = Math.min(limit, maxMessages / 2 - queue.size());
                }
                String current = bus.epoch();
                HistoryPage page = bus.read(state.name, readEpoch, position, limit);
                synchronized (this) {
                    if (state.gone || closed) {
                        return;
                    }
                    if (page.beyondHead(position) && readEpoch.equals(current)) {
                        // a position this history never reached (restored from an older snapshot, or edited by
                        // hand): a gap, then all that is retained, so no position is ever taken for another message
                        if (reportGap) {
                            enqueue(new Outbound.Gap(state.name));
                        }
                        reportGap = false;
                        setPosition(state, 0);
                        position = 0;
                        continue;
                    }
                    if (page.gap()) {
                        if (reportGap) {
                            enqueue(new Outbound.Gap(state.name));
                        }
                        setPosition(state, page.messages().isEmpty() ? page.head() : page.messages().get(0).position() - 1);
                        switchEpoch(state, current);
                    } else if (!readEpoch.equals(epoch)) {
                        switchEpoch(state, current);
                    }
                    state.staleEpoch = null; // its position is now one of the epoch just read
                    for (Message m : page.messages()) {
                        if (m.position() > state.lastPosition) {
                            if (queueHalfFull()) {
                                suspend(state); // history still holds the rest: continue once the reader caught up
                                return;
                            }
                            deliver(state, m);
                            replayBudget--;
                        }
                    }
                    reportGap = true; // only the start of an 'earliest' replay may skip what history lost
                    boolean caughtUp = page.messages().size() < limit || state.lastPosition >= page.head();
                    if (caughtUp && !state.heldOverflow) {
                        finishReplay(state);
                        return;
                    }
                    state.heldOverflow = false; // what overflowed is in history: read on
                    position = state.lastPosition;
                    readEpoch = current;
                }
            }
        }
    }

    /**
     * Under the session lock: {@code switching}'s replay moves the session to the bus's epoch {@code current}; when that is a new one, every other
     * channel's position belongs to the old one (a position there says nothing about the new epoch's
     * positions, which start again at 1). Each holds its live messages until its own replay reads from
     * the old epoch and so reports its gap.
     */
    private void switchEpoch(ChannelState switching, String current) {
        if (current.equals(epoch)) {
            return;
        }
        List<ChannelState> stale = new ArrayList<>();
        for (ChannelState s : channels.values()) {
            if (s != switching && s.staleEpoch == null) {
                stale.add(s);
                s.staleEpoch = epoch;
                setPosition(s, 0); // what the new epoch holds is still to be delivered: a resume from this cursor loses none of it
                s.replaying = true;
                s.held.clear(); // they may be the old epoch's: the replay reads history once more instead
                s.heldOverflow = true;
            }
        }
        epoch = current;
        // the bus resyncs its listeners when its epoch changes; a channel subscribed after that gets no resync
        engine.scheduler().execute(() -> stale.forEach(s -> replayLater(s, 0)));
    }

    /**
     * Under the session lock. A replay fills at most half the queue, so a client resuming far behind
     * is paced by its own reading instead of tripping the slow-consumer policy.
     */
    private boolean queueHalfFull() {
        return queue.size() >= maxMessages / 2 || queuedBytes >= maxBytes / 2;
    }

    /** Under the session lock: park a replay until {@link #poll()} sees the queue drained. */
    private void suspend(ChannelState state) {
        if (!state.suspended) {
            state.suspended = true;
            suspendedReplays++;
        }
    }

    /** Under the session lock: release held live messages that come after the replay, in order. */
    private void finishReplay(ChannelState state) {
        for (Message m : state.held) {
            if (m.position() > state.lastPosition) {
                deliver(state, m);
            }
        }
        state.held.clear();
        state.replaying = false;
    }

    private void onLive(ChannelState state, Message m) {
        synchronized (this) {
            if (state.gone || closed) {
                return;
            }
            if (state.replaying) {
                if (state.heldOverflow) {
                    return; // the replay reads it from history
                }
                if (state.held.size() >= maxMessages) { // bounded like the queue; beyond, they are read from history
                    state.held.clear();
                    state.heldOverflow = true;
                    return;
                }
                state.held.add(m);
            } else if (m.position() > state.lastPosition) {
                deliver(state, m);
            }
        }
    }

    private void onResync(ChannelState state) {
        synchronized (this) {
            if (state.gone || closed) {
                return;
            }
            // live messages are held from now on, not only once the replay starts: one delivered before
            // it would move the position past what the replay must read (and past a gap it must report)
            state.replaying = true;
        }
        replayLater(state, 0);
    }

    /** Under the session lock. */
    private void deliver(ChannelState state, Message m) {
        setPosition(state, m.position());
        enqueue(new Outbound.Delivery(m, cursor()));
    }

    /** Under the session lock: queue an item, apply the slow-consumer policy, wake the transport. */
    private void enqueue(Outbound o) {
        if (closed) {
            return;
        }
        queue.addLast(o);
        queuedBytes += o.weight();
        if (queue.size() > maxMessages || queuedBytes > maxBytes) {
            if (policy == Settings.QueuePolicy.DISCONNECT) {
                closed = true;
                queue.clear();
                queuedBytes = 0;
                engine.executor().execute(() -> terminate(CloseCause.SLOW_CONSUMER));
                return;
            }
            while (queue.size() > maxMessages || queuedBytes > maxBytes) {
                if (!dropOldestMessage()) {
                    break;
                }
            }
        }
        if (queue.size() == 1) {
            output.wake();
        }
    }

    /** drop-oldest policy: removes the oldest message and leaves a gap notice in its place. */
    private boolean dropOldestMessage() {
        ArrayDeque<Outbound> before = new ArrayDeque<>();
        while (!queue.isEmpty() && !(queue.peekFirst() instanceof Outbound.Delivery)) {
            before.addLast(queue.pollFirst());
        }
        Outbound.Delivery dropped = (Outbound.Delivery) queue.pollFirst();
        if (dropped != null) {
            queuedBytes -= dropped.weight();
            String channel = dropped.message().channel();
            Outbound.Gap gap = new Outbound.Gap(channel);
            // compares channels by hand: a record's generated equals() would leave this class in a JDK-wide cache
            // (java.lang.runtime.ObjectMethods), pinning the web application's class loader after undeploy
            if (!isGap(before.peekLast(), channel) && !isGap(queue.peekFirst(), channel)) {
                before.addLast(gap);
                queuedBytes += gap.weight();
            }
        }
        while (!before.isEmpty()) {
            queue.addFirst(before.pollLast());
        }
        return dropped != null;
    }

    private static boolean isGap(Outbound o, String channel) {
        return o instanceof Outbound.Gap g && g.channel().equals(channel);
    }

    /** A channel as this session sees it; also the bus listener for it. */
    private final class ChannelState implements BusListener {
        final String name;
        /** This channel's cursor entry up to its position: built once, not per delivery. */
        final String entryPrefix;
        /** Where this channel's position digits stand in the session's cursor text, and in which layout of it. */
        int digitsAt;
        int digitsLength;
        int layout = -1;
        final Object replayLock = new Object();
        final List<Message> held = new ArrayList<>();
        volatile BusSubscription subscription;
        long lastPosition;
        boolean replaying = true;
        /** Held live messages overflowed: the replay must read history once more before it finishes. */
        boolean heldOverflow;
        boolean suspended;
        boolean gone;
        /** Set when the session moved to a new epoch before this channel's replay: the epoch its position belongs to. */
        String staleEpoch;

        ChannelState(String name) {
            this.name = name;
            this.entryPrefix = Cursor.entryPrefix(Cursor.hash(name));
        }

        @Override
        public void onMessage(Message message) {
            onLive(this, message);
        }

        @Override
        public void onResync(String channel) {
            Session.this.onResync(this);
        }
    }
}
