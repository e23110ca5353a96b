package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.presence.SessionLive;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A session's subscribe and unsubscribe: validation and the channel limit, the channels' entries in
 * the session, their bus subscriptions and replay ({@link Replay}), patterns ({@link Patterns}),
 * protocol 1.1's live feeds, and the application's listeners. What it changes in the session it
 * changes under the session's lock; bus calls and listeners run outside it.
 */
final class Subscriptions {
    private final Session session;
    private final Engine engine;
    private final Replay replay;
    private final Patterns patterns;

    Subscriptions(Session session, Engine engine, Replay replay, Patterns patterns) {
        this.session = session;
        this.engine = engine;
        this.replay = replay;
        this.patterns = patterns;
    }

    /** See {@link Session#subscribeAll(List, Since, BiFunction)}. */
    void subscribeAll(List<String> names, Since since, BiFunction<String, String, Outbound> announce) {
        // loops, not streams: every long-poll comes through here (the benchmark's profile)
        SessionLive l = session.liveOrNull();
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
        List<String> wildcards = new ArrayList<>();
        for (String name : distinct) {
            Names.subscription(name, l != null);
            session.checkAccess(name);
            if (name.indexOf('*') >= 0) {
                wildcards.add(name);
            }
        }
        distinct.removeAll(wildcards);
        List<ChannelState> fresh = new ArrayList<>(distinct.size());
        List<String> again = new ArrayList<>();
        List<ChannelState> claimed = new ArrayList<>();
        synchronized (session) {
            if (session.ended()) {
                return;
            }
            int added = 0;
            for (String name : distinct) {
                ChannelState existing = session.channel(name);
                added += existing == null || !existing.explicit ? 1 : 0;
            }
            for (String name : wildcards) {
                added += patterns.contains(name) ? 0 : 1;
            }
            checkLimit(subscriptionCount() + added);
            for (String name : distinct) {
                ChannelState existing = session.channel(name);
                if (existing == null) {
                    fresh.add(session.addChannel(name, true));
                } else {
                    again.add(name);
                    if (!existing.explicit) { // so far only a pattern fed it: now it is subscribed by name too
                        existing.explicit = true;
                        patterns.claimedByName(name);
                        claimed.add(existing);
                    }
                }
            }
        }
        try {
            for (ChannelState state : claimed) {
                state.subscription = engine.bus().subscribe(state.name, state);
            }
            replay.start(fresh, since, announce);
            for (String name : again) {
                replay.again(name, since, announce);
            }
            for (String pattern : wildcards) {
                patterns.subscribe(pattern, since, announce);
            }
        } catch (BusUnavailableException e) {
            for (ChannelState state : fresh) {
                unsubscribe(state.name, null, false);
            }
            wildcards.forEach(patterns::unsubscribe);
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        }
        if (l != null) { // protocol 1.1: the ephemeral messages of what was subscribed
            for (String name : distinct) {
                l.follow(name, true, false);
            }
            for (String pattern : wildcards) {
                l.follow(Names.pattern(pattern), channel -> patterns.allows(pattern, channel));
            }
        }
        if (engine.listeners().any()) {
            for (ChannelState state : fresh) {
                if (!state.gone) {
                    engine.listeners().subscribed(session, state.name);
                }
            }
        }
    }

    /** Under the lock: channels subscribed by name and patterns, as they count towards the limit. */
    private int subscriptionCount() {
        int n = patterns.count();
        for (ChannelState state : session.channelStates()) {
            n += state.explicit ? 1 : 0;
        }
        return n;
    }

    private void checkLimit(int wanted) {
        int max = engine.settings().channelsMax;
        if (wanted > max) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "a connection may subscribe to at most " + max + " channels");
        }
    }

    /**
     * Stops a channel or pattern (see {@link Session#unsubscribe}); {@code tell}: the application's
     * listeners hear of it.
     */
    void unsubscribe(String name, Outbound after, boolean tell) {
        SessionLive l = session.liveOrNull();
        if (l != null) {
            l.unfollow(name);
        }
        if (name.indexOf('*') >= 0 && patterns.unsubscribe(name)) {
            if (after != null) {
                synchronized (session) {
                    session.enqueue(after);
                }
            }
            return;
        }
        BusSubscription subscription = null;
        boolean ended = false;
        synchronized (session) {
            ChannelState state = session.channel(name);
            if (state != null && state.explicit) {
                ended = true;
                subscription = state.subscription;
                state.subscription = null;
                state.explicit = false;
                if (!patterns.adopt(state)) {
                    session.removeChannel(state, true);
                }
            }
            if (after != null) {
                session.enqueue(after);
            }
        }
        if (subscription != null) {
            subscription.close();
        }
        if (tell && ended && engine.listeners().any()) {
            engine.listeners().unsubscribed(session, name);
        }
    }
}
