package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.MessageBus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A session's wildcard subscriptions (protocol 1.1). Shares the {@link Session}'s lock and state, as
 * {@link Replay} does.
 *
 * <p>A matched channel becomes a channel of the session (a {@link ChannelState} fed by the pattern's
 * bus subscription, with its position in the cursor), created at its first message, so the one
 * subscribe/replay rule keeps its order and drops repeats. Each pattern also has an entry of its own in
 * the cursor: the time (in seconds) up to which it is covered, i.e. the time the cursor was issued less
 * {@link #MARGIN_MILLIS} for delivery delay and clock differences between nodes. A resume replays the
 * channels the cursor covers from their positions, and the matching channels it does not cover from
 * that time; what cannot be shown complete is a gap for the pattern itself (docs/wire-protocol-v1.md,
 * "Wildcard subscriptions").
 */
final class Patterns {
    /** Delivery delay and clock difference between nodes that a pattern's time allows for. */
    static final long MARGIN_MILLIS = 10_000;

    private final Session session;
    private final Engine engine;
    private final Replay replay;
    private final MessageBus bus;
    private final ChannelAccess access;
    private final int maxChannels;
    /** Guarded by the session's lock. */
    private final Map<String, PatternState> patterns = new LinkedHashMap<>();

    Patterns(Session session, Engine engine, Replay replay, ChannelAccess access) {
        this.session = session;
        this.engine = engine;
        this.replay = replay;
        this.bus = engine.bus();
        this.access = access;
        this.maxChannels = engine.settings().patternsMaxChannels;
    }

    /** One wildcard subscription; also its bus listener. */
    final class PatternState implements BusListener {
        final ChannelPattern pattern;
        final String text;
        final CursorText.Slot slot;
        volatile BusSubscription subscription;
        /** Matched channels in the cursor, least recently delivered first. */
        final LinkedHashMap<String, ChannelState> matched = new LinkedHashMap<>(16, 0.75f, true);
        /** The Authorizer's answer per matched channel, asked once. */
        final Map<String, Boolean> allowed = new HashMap<>();
        /** Until the channels found on resume are in place: messages of other channels wait here. */
        boolean resuming = true;
        final List<Message> held = new ArrayList<>();
        boolean heldOverflow;
        /** While the channels found on resume replay, the pattern's time stays there (epoch ms); -1 once they caught up. */
        long frozenAt = -1;
        List<ChannelState> resumed = List.of();
        /** When the pattern went live (epoch ms): its time never goes before. */
        long liveSince;
        boolean gone;

        PatternState(ChannelPattern pattern, String text) {
            this.pattern = pattern;
            this.text = text;
            this.slot = new CursorText.Slot(text);
        }

        @Override
        public void onMessage(Message message) {
            onLive(this, message);
        }

        @Override
        public void onResync(String channel) {
            engine.executor().execute(() -> resync(this));
        }
    }

    /** Under the session lock: how many patterns count towards the connection's limit. */
    int count() {
        return patterns.size();
    }

    /** Under the session lock. */
    boolean contains(String text) {
        return patterns.containsKey(text);
    }

    /** Under the session lock: the patterns' texts, in subscription order. */
    Collection<String> names() {
        return patterns.keySet();
    }

    /** Under the session lock: the patterns' cursor entries, their times brought up to date. */
    Collection<CursorText.Slot> slots() {
        if (patterns.isEmpty()) {
            return List.of();
        }
        long now = engine.clock().millis();
        List<CursorText.Slot> slots = new ArrayList<>(patterns.size());
        for (PatternState ps : patterns.values()) {
            if (ps.frozenAt >= 0 && ps.resumed.stream().noneMatch(s -> s.replaying && !s.gone)) {
                ps.frozenAt = -1; // every channel found on resume caught up
            }
            long time = ps.frozenAt >= 0 ? ps.frozenAt : Math.max(ps.liveSince, now - MARGIN_MILLIS);
            session.setPosition(ps.slot, time / 1000);
            slots.add(ps.slot);
        }
        return slots;
    }

    /** Under the session lock: whether a pattern's resume is still going on (a parked long-poll is not kept then). */
    boolean resuming() {
        for (PatternState ps : patterns.values()) {
            if (ps.resuming || ps.frozenAt >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Under the session lock: whether any pattern other than {@code except} matches the channel. */
    PatternState otherMatching(String channel, PatternState except) {
        for (PatternState ps : patterns.values()) {
            if (ps != except && ps.pattern.matches(channel)) {
                return ps;
            }
        }
        return null;
    }

    /**
     * Subscribes a pattern (or, for one already subscribed, announces it again). Live first, then, when
     * {@code since} asks for it, the matching channels are found and replayed.
     */
    void subscribe(String text, Since since, BiFunction<String, String, Outbound> announce) {
        ChannelPattern pattern = Names.pattern(text);
        PatternState ps;
        synchronized (session) {
            if (session.ended()) {
                return;
            }
            if (patterns.containsKey(text)) {
                if (announce != null) {
                    session.enqueue(announce.apply(text, session.cursor()));
                }
                return;
            }
            ps = new PatternState(pattern, text);
            patterns.put(text, ps);
            session.cursorChanged();
        }
        try {
            ps.subscription = bus.subscribe(pattern, ps);
        } catch (UnsupportedOperationException e) {
            abandon(ps);
            throw new RealtimeException(ErrorCode.INVALID_CHANNEL, "this server's message bus does not support wildcard subscriptions");
        } catch (RuntimeException e) {
            abandon(ps);
            throw e;
        }
        ps.liveSince = engine.clock().millis();
        Cursor cursor = since instanceof Since.After after ? after.cursor() : null;
        long coveredSeconds = cursor == null ? -1 : cursor.positionOf(text);
        if (!(since instanceof Since.Earliest) && coveredSeconds < 0) {
            synchronized (session) { // from now on: nothing to find
                ps.resuming = false;
                releaseHeld(ps);
                if (announce != null) {
                    session.enqueue(announce.apply(text, session.cursor()));
                }
            }
            return;
        }
        boolean earliest = since instanceof Since.Earliest;
        boolean otherEpoch;
        synchronized (session) {
            otherEpoch = cursor != null && !cursor.epoch().equals(session.epoch());
        }
        long from = earliest || otherEpoch ? 0 : coveredSeconds * 1000;
        boolean expired = !earliest && !otherEpoch && engine.clock().millis() - from > engine.settings().historyAge.toMillis();
        discover(ps, from, earliest || otherEpoch ? null : cursor, !earliest, otherEpoch || expired, announce);
    }

    /**
     * Finds the matching channels with messages from {@code from} on and replays them: from the
     * cursor's position where it covers them, else passing over what is older than {@code from}.
     */
    private void discover(PatternState ps, long from, Cursor cursor, boolean reportGaps, boolean gap,
                          BiFunction<String, String, Outbound> announce) {
        List<String> found = bus.channelsActiveSince(ps.pattern, from, maxChannels);
        boolean tooMany = found.size() > maxChannels;
        List<ChannelState> fresh = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        String epoch;
        synchronized (session) {
            if (ps.gone || session.ended()) {
                return;
            }
            epoch = session.epoch();
            ps.frozenAt = from;
            for (String channel : found.subList(0, Math.min(found.size(), maxChannels))) {
                if (!allowed(ps, channel) || session.channel(channel) != null) {
                    continue; // refused, or already a channel of the session: it resumes on its own
                }
                long covered = cursor == null ? -1 : cursor.positionOf(channel);
                ChannelState state = addMatched(ps, channel, Math.max(0, covered));
                state.replaying = true;
                state.skipBefore = covered >= 0 ? 0 : from;
                fresh.add(state);
                starts.add(Math.max(0, covered));
            }
            ps.resumed = fresh;
            if (announce != null) {
                session.enqueue(announce.apply(ps.text, session.cursor()));
            }
            if (gap || tooMany || ps.heldOverflow) {
                session.enqueue(new Outbound.Gap(ps.text)); // before any message of the pattern
                ps.heldOverflow = false;
            }
            ps.resuming = false;
            releaseHeld(ps);
        }
        for (int i = 0; i < fresh.size(); i++) {
            replay.resume(fresh.get(i), epoch, starts.get(i), reportGaps);
        }
    }

    /**
     * The bus may have missed messages (its data store reconnected): the matched channels re-read
     * their history, and channels that had messages since the pattern's time are found again.
     */
    private void resync(PatternState ps) {
        long from;
        List<ChannelState> known;
        synchronized (session) {
            if (ps.gone || session.ended()) {
                return;
            }
            from = ps.frozenAt >= 0 ? ps.frozenAt : Math.max(ps.liveSince, engine.clock().millis() - MARGIN_MILLIS);
            known = new ArrayList<>(ps.matched.values());
            ps.resuming = true;
        }
        known.forEach(s -> replay.later(s, 0));
        try {
            discover(ps, from, null, true, false, null);
        } catch (RuntimeException e) {
            synchronized (session) {
                ps.resuming = false;
                releaseHeld(ps);
                session.enqueue(new Outbound.Gap(ps.text)); // could not look: say so rather than lose silently
            }
        }
    }

    /** A live message of a matched channel. */
    private void onLive(PatternState ps, Message m) {
        ChannelState state;
        synchronized (session) {
            if (ps.gone || session.ended() || !allowed(ps, m.channel())) {
                return;
            }
            state = session.channel(m.channel());
            if (state == null && ps.resuming) {
                if (ps.held.size() >= session.queue().maxMessages()) {
                    ps.held.clear();
                    ps.heldOverflow = true; // reported as the pattern's gap
                } else if (!ps.heldOverflow) {
                    ps.held.add(m);
                }
                return;
            }
            if (state == null) {
                state = addMatched(ps, m.channel(), m.position() - 1); // its first message since the pattern went live
                state.replaying = false;
            } else {
                ps.matched.get(m.channel()); // most recently delivered: the last to leave the cursor
            }
        }
        replay.onLive(state, m);
    }

    /** Under the session lock: messages held while the resume found its channels. */
    private void releaseHeld(PatternState ps) {
        List<Message> held = new ArrayList<>(ps.held);
        ps.held.clear();
        for (Message m : held) {
            onLive(ps, m);
        }
    }

    /** Under the session lock: a matched channel enters the session and the cursor; the least recent one leaves past the bound. */
    private ChannelState addMatched(PatternState ps, String channel, long position) {
        if (ps.matched.size() >= maxChannels) {
            ChannelState eldest = ps.matched.values().iterator().next();
            ps.matched.remove(eldest.name);
            if (!eldest.explicit) {
                session.removeChannel(eldest, false); // a resume from a later cursor finds it again by the pattern's time
            }
        }
        ChannelState state = session.addChannel(channel, false);
        session.setPosition(state, position);
        ps.matched.put(channel, state);
        return state;
    }

    /** Under the session lock: the Authorizer is asked once per matched channel. */
    private boolean allowed(PatternState ps, String channel) {
        Boolean ok = ps.allowed.get(channel);
        if (ok == null) {
            if (ps.allowed.size() >= 4 * maxChannels) {
                ps.allowed.clear(); // bounded, whatever channels publishers invent
            }
            ok = access.maySubscribe(channel);
            ps.allowed.put(channel, ok);
        }
        return ok;
    }

    /** Under the session lock: the connection's rights changed, so every matched channel is asked about again. */
    void forgetDecisions() {
        for (PatternState ps : patterns.values()) {
            ps.allowed.clear();
        }
    }

    /** Whether a matched channel may reach this session (for the ephemeral messages of a pattern). */
    boolean allows(String text, String channel) {
        synchronized (session) {
            PatternState ps = patterns.get(text);
            return ps != null && allowed(ps, channel);
        }
    }

    /**
     * Ends a pattern: its matched channels leave the session unless subscribed by name or matched by
     * another pattern. False when it was not subscribed.
     */
    boolean unsubscribe(String text) {
        PatternState ps;
        synchronized (session) {
            ps = patterns.remove(text);
            if (ps == null) {
                return false;
            }
            ps.gone = true;
            session.cursorChanged();
            for (ChannelState state : ps.matched.values()) {
                PatternState other = otherMatching(state.name, ps);
                if (other != null) {
                    other.matched.put(state.name, state);
                } else if (!state.explicit) {
                    session.removeChannel(state, true);
                }
            }
        }
        if (ps.subscription != null) {
            ps.subscription.close();
        }
        return true;
    }

    /** Under the session lock: a channel subscribed by name no longer counts as matched (it is not evicted). */
    void claimedByName(String channel) {
        for (PatternState ps : patterns.values()) {
            ps.matched.remove(channel);
        }
    }

    /** Under the session lock: a channel no longer subscribed by name stays while a pattern matches it. */
    boolean adopt(ChannelState state) {
        PatternState ps = otherMatching(state.name, null);
        if (ps == null) {
            return false;
        }
        ps.matched.put(state.name, state);
        return true;
    }

    private void abandon(PatternState ps) {
        synchronized (session) {
            ps.gone = true;
            patterns.remove(ps.text, ps);
            session.cursorChanged();
        }
    }

    /** When the session closes: every pattern's bus subscription ends. */
    void closeAll() {
        List<PatternState> all;
        synchronized (session) {
            all = new ArrayList<>(patterns.values());
            patterns.clear();
        }
        for (PatternState ps : all) {
            ps.gone = true;
            if (ps.subscription != null) {
                ps.subscription.close();
            }
        }
    }
}
