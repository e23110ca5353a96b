package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The subscribe/replay rule of one session, the same for every transport: register with the bus
 * first, then read the start position or replay history, and hold live messages that arrive
 * meanwhile; afterwards a live message is delivered only if its position is past the last one
 * delivered. So nothing published after the subscription went live is lost, and nothing is
 * delivered twice. Shares the {@link Session}'s lock and state; reads history outside the lock.
 */
final class Replay {
    private static final System.Logger LOG = System.getLogger(Replay.class.getName());
    private static final int PAGE = 256;

    private final Session session;
    private final Engine engine;
    private final MessageBus bus;
    /** Channels whose replay waits for the reader to catch up; guarded by the session's lock. */
    private int suspended;

    Replay(Session session, Engine engine) {
        this.session = session;
        this.engine = engine;
        this.bus = engine.bus();
    }

    /** Where a new subscription starts: its position, whether it replays, and whether its gap is known before reading. */
    private record Start(long position, boolean replay, boolean gapFirst, boolean reportGap) {
    }

    /**
     * Makes new channels live, puts each at its starting position in the cursor, queues the
     * announcements and the gaps already known (a cursor of another epoch), then replays one by one.
     */
    void start(List<ChannelState> fresh, Since since, BiFunction<String, String, Outbound> announce) {
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
                synchronized (session) {
                    sameHistory = cursorEpoch.equals(session.epoch());
                }
                // another epoch's position means nothing here: the gap is certain, report it before any message
                starts[i] = sameHistory ? new Start(covered, true, false, true) : new Start(0, true, true, false);
            } else if (since instanceof Since.Earliest) {
                starts[i] = new Start(0, true, false, false);
            } else {
                starts[i] = new Start(bus.head(name), false, false, false);
            }
        }
        List<BusSubscription> orphaned = new ArrayList<>();
        String startEpoch;
        synchronized (session) {
            startEpoch = session.epoch();
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (state.gone) { // closed or unsubscribed meanwhile
                    orphaned.add(state.subscription);
                } else {
                    session.setPosition(state, starts[i].position());
                }
            }
            for (ChannelState state : fresh) {
                if (!state.gone && announce != null) {
                    session.enqueue(announce.apply(state.name, session.cursor()));
                }
            }
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (!state.gone && starts[i].gapFirst()) {
                    session.enqueue(new Outbound.Gap(state.name));
                }
            }
            for (int i = 0; i < starts.length; i++) {
                ChannelState state = fresh.get(i);
                if (!state.gone && !starts[i].replay()) {
                    finish(state);
                }
            }
        }
        orphaned.forEach(BusSubscription::close);
        for (int i = 0; i < starts.length; i++) {
            if (starts[i].replay()) {
                run(fresh.get(i), null, startEpoch, starts[i].position(), starts[i].reportGap());
            }
        }
    }

    /** A live channel subscribed again: replays from {@code since} if given, else only announces. */
    void again(String name, Since since, BiFunction<String, String, Outbound> announce) {
        ChannelState state;
        synchronized (session) {
            state = session.channel(name);
            if (state == null) {
                return;
            }
        }
        Function<String, Outbound> announceThis = announce == null ? null : cursor -> announce.apply(name, cursor);
        if (since instanceof Since.After after && after.cursor().positionOf(name) >= 0) {
            run(state, announceThis, after.cursor().epoch(), after.cursor().positionOf(name), true);
        } else if (since instanceof Since.Earliest) {
            run(state, announceThis, bus.epoch(), 0, false);
        } else if (announceThis != null) {
            synchronized (session) {
                session.enqueue(announceThis.apply(session.cursor()));
            }
        }
    }

    /**
     * Replays in the background (after a bus resync, or when the reader caught up). If the replay
     * fails, whatever the reason (the bus down, or refusing a command while it restarts), it is tried
     * again shortly: the channel keeps holding its live messages meanwhile, and a replay given up
     * would hold them for good.
     */
    void later(ChannelState state, long delayMillis) {
        Runnable run = () -> {
            try {
                run(state, null, null, 0, true); // from wherever the channel stands when the replay starts
            } catch (RuntimeException e) {
                if (!(e instanceof BusUnavailableException)) {
                    LOG.log(System.Logger.Level.WARNING, "replaying channel " + state.name + " failed; retrying in 1 s: " + e);
                }
                synchronized (session) {
                    if (state.gone || session.ended()) {
                        return;
                    }
                }
                later(state, 1000);
            }
        };
        if (delayMillis == 0) {
            engine.executor().execute(run);
        } else {
            engine.scheduler().schedule(() -> engine.executor().execute(run), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Replays history after ({@code fromEpoch}, {@code after}), then releases the live messages held
     * meanwhile. One replay per channel at a time.
     */
    private void run(ChannelState state, Function<String, Outbound> announce, String fromEpoch, long after, boolean reportGap) {
        synchronized (state.replayLock) {
            synchronized (session) {
                if (state.gone || session.ended()) {
                    return;
                }
                String epoch = session.epoch();
                if (fromEpoch == null) { // continue from the channel's own position, in the epoch it belongs to
                    fromEpoch = state.staleEpoch != null ? state.staleEpoch : epoch;
                    after = state.lastPosition();
                }
                state.replaying = true;
                boolean sameHistory = fromEpoch.equals(epoch);
                // the cursor's position stands even when nothing newer exists; another epoch's means nothing here
                session.setPosition(state, sameHistory ? after : 0);
                if (announce != null) {
                    session.enqueue(announce.apply(session.cursor()));
                }
                if (!sameHistory) { // the gap is certain: reported before any message, then all that is retained
                    if (reportGap) {
                        session.enqueue(new Outbound.Gap(state.name));
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
                synchronized (session) {
                    if (state.gone || session.ended()) {
                        return;
                    }
                    limit = Math.min(PAGE, session.replayBudget());
                    if (limit <= 0) {
                        return; // this answer is full: the channel stays behind, the next poll continues from the cursor
                    }
                    if (session.queue().halfFull()) {
                        suspend(state);
                        return;
                    }
                    limit = Math.min(limit, session.queue().replayRoom());
                }
                String current = bus.epoch();
                HistoryPage page = bus.read(state.name, readEpoch, position, limit);
                synchronized (session) {
                    if (state.gone || session.ended()) {
                        return;
                    }
                    if (page.beyondHead(position) && readEpoch.equals(current)) {
                        // a position this history never reached (restored from an older snapshot, or edited by
                        // hand): a gap, then all that is retained, so no position is ever taken for another message
                        if (reportGap) {
                            session.enqueue(new Outbound.Gap(state.name));
                        }
                        reportGap = false;
                        session.setPosition(state, 0);
                        position = 0;
                        continue;
                    }
                    if (page.gap()) {
                        // a wildcard resume wants only what came after its time: what history lost before it is no loss
                        boolean lostWanted = state.skipBefore == 0 || page.messages().isEmpty()
                                || page.messages().get(0).timestamp() >= state.skipBefore;
                        if (reportGap && lostWanted) {
                            session.enqueue(new Outbound.Gap(state.name));
                        }
                        session.setPosition(state, page.messages().isEmpty() ? page.head() : page.messages().get(0).position() - 1);
                        switchEpoch(state, current);
                    } else if (!readEpoch.equals(session.epoch())) {
                        switchEpoch(state, current);
                    }
                    state.staleEpoch = null; // its position is now one of the epoch just read
                    for (Message m : page.messages()) {
                        if (m.position() > state.lastPosition()) {
                            if (m.timestamp() < state.skipBefore) {
                                session.setPosition(state, m.position()); // before the wildcard's time: delivered then
                                continue;
                            }
                            if (session.queue().halfFull()) {
                                suspend(state); // history still holds the rest: continue once the reader caught up
                                return;
                            }
                            session.deliver(state, m, false);
                            session.spendReplayBudget();
                        }
                    }
                    reportGap = true; // only the start of an 'earliest' replay may skip what history lost
                    boolean caughtUp = page.messages().size() < limit || state.lastPosition() >= page.head();
                    if (caughtUp && !state.heldOverflow) {
                        finish(state);
                        return;
                    }
                    state.heldOverflow = false; // what overflowed is in history: read on
                    position = state.lastPosition();
                    readEpoch = current;
                }
            }
        }
    }

    /**
     * Under the session lock: {@code switching}'s replay moves the session to the bus's epoch
     * {@code current}; when that is a new one, every other channel's position belongs to the old one
     * (a position there says nothing about the new epoch's positions, which start again at 1). Each
     * holds its live messages until its own replay reads from the old epoch and so reports its gap.
     */
    private void switchEpoch(ChannelState switching, String current) {
        String epoch = session.epoch();
        if (current.equals(epoch)) {
            return;
        }
        List<ChannelState> stale = new ArrayList<>();
        for (ChannelState s : session.channelStates()) {
            if (s != switching && s.staleEpoch == null) {
                stale.add(s);
                s.staleEpoch = epoch;
                session.setPosition(s, 0); // what the new epoch holds is still to be delivered: a resume from this cursor loses none of it
                s.replaying = true;
                s.held.clear(); // they may be the old epoch's: the replay reads history once more instead
                s.heldOverflow = true;
            }
        }
        session.moveToEpoch(current);
        // the bus resyncs its listeners when its epoch changes; a channel subscribed after that gets no resync
        engine.scheduler().execute(() -> stale.forEach(s -> later(s, 0)));
    }

    /** Under the session lock: park a replay until the reader drained the queue (see {@link #resumeIfDrained}). */
    private void suspend(ChannelState state) {
        if (!state.suspended) {
            state.suspended = true;
            suspended++;
        }
    }

    /** Under the session lock: whether a replay waits for the reader. */
    boolean anySuspended() {
        return suspended > 0;
    }

    /**
     * Under the session lock, after the reader took an item: the suspended replays to continue (with
     * {@link #later}, outside the lock) once the queue drained far enough; otherwise {@code null}.
     */
    List<ChannelState> resumeIfDrained() {
        if (suspended == 0 || !session.queue().drainedForReplay()) {
            return null;
        }
        List<ChannelState> resume = new ArrayList<>();
        for (ChannelState s : session.channelStates()) {
            if (s.suspended) {
                s.suspended = false;
                resume.add(s);
            }
        }
        suspended = 0;
        return resume;
    }

    /**
     * Replays a channel a wildcard pattern found on resume, after {@code after} of {@code epoch},
     * then releases what it held; in the background when it cannot go on now.
     */
    void resume(ChannelState state, String epoch, long after, boolean reportGap) {
        run(state, null, epoch, after, reportGap);
    }

    /** Under the session lock: release held live messages that come after the replay, in order. */
    private void finish(ChannelState state) {
        state.skipBefore = 0;
        for (Message m : state.held) {
            if (m.position() > state.lastPosition()) {
                session.deliver(state, m);
            }
        }
        state.held.clear();
        state.replaying = false;
    }

    /**
     * A live message from the bus: held while the channel replays, else delivered if new. Positions
     * are consecutive, so one that skips some means the bus missed live deliveries (a pub/sub
     * connection delivering again before the bus's resync came): delivering it would move the
     * channel past them for good, so they are read from history first (issue 13).
     */
    void onLive(ChannelState state, Message m) {
        synchronized (session) {
            if (state.gone || session.ended()) {
                return;
            }
            if (state.replaying) {
                hold(state, m);
                return;
            }
            if (m.position() <= state.lastPosition() + 1) {
                if (m.position() > state.lastPosition()) {
                    session.deliver(state, m);
                }
                return;
            }
            state.replaying = true;
            hold(state, m);
        }
        later(state, 0);
    }

    /** Under the session lock: keep a live message until the channel's replay finishes. */
    private void hold(ChannelState state, Message m) {
        if (state.heldOverflow) {
            return; // the replay reads it from history
        }
        if (state.held.size() >= session.queue().maxMessages()) { // bounded like the queue; beyond, they are read from history
            state.held.clear();
            state.heldOverflow = true;
            return;
        }
        state.held.add(m);
    }
}
