package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.PresenceJoin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ephemeral messages and presence in one JVM (protocol 1.1): the in-memory bus's {@link LiveBus},
 * and the engine's fallback for a bus that offers none (then presence is per node).
 *
 * <p>A channel's presence changes and their announcements happen under the channel's lock, so every
 * listener sees them in the order they happened; listeners only enqueue.
 */
public final class MemoryLive implements LiveBus {
    private final Clock clock;
    private final Map<String, ChannelLive> channels = new ConcurrentHashMap<>();
    private final PatternListeners<LiveListener> patterns = new PatternListeners<>();

    public MemoryLive(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void publish(Message ephemeral) {
        ChannelLive live = channels.get(ephemeral.channel());
        if (live != null) {
            for (LiveListener l : live.listeners) {
                l.onEphemeral(ephemeral);
            }
        }
        patterns.forEachMatch(ephemeral.channel(), l -> l.onEphemeral(ephemeral));
    }

    @Override
    public PresenceJoin join(String channel, String member, String info, int maxMembers) {
        while (true) {
            ChannelLive live = channels.computeIfAbsent(channel, ChannelLive::new);
            synchronized (live) {
                if (live.released) {
                    continue;
                }
                String current = live.members.get(member);
                if (info.equals(current)) {
                    return PresenceJoin.UNCHANGED;
                }
                if (current == null && live.members.size() >= maxMembers) {
                    live.releaseIfIdle();
                    return PresenceJoin.FULL;
                }
                live.members.put(member, info);
                live.announce(new PresenceEvent(channel, current == null ? PresenceEvent.JOIN : PresenceEvent.UPDATE, member, info, clock.millis()));
                return current == null ? PresenceJoin.JOINED : PresenceJoin.UPDATED;
            }
        }
    }

    @Override
    public void leave(String channel, String member) {
        ChannelLive live = channels.get(channel);
        if (live == null) {
            return;
        }
        synchronized (live) {
            if (live.members.remove(member) != null) {
                live.announce(new PresenceEvent(channel, PresenceEvent.LEAVE, member, null, clock.millis()));
            }
            live.releaseIfIdle();
        }
    }

    @Override
    public List<PresenceMember> members(String channel) {
        ChannelLive live = channels.get(channel);
        if (live == null) {
            return List.of();
        }
        synchronized (live) {
            List<PresenceMember> list = new ArrayList<>(live.members.size());
            live.members.forEach((member, info) -> list.add(new PresenceMember(member, info)));
            return list;
        }
    }

    @Override
    public BusSubscription listen(String channel, LiveListener listener) {
        while (true) {
            ChannelLive live = channels.computeIfAbsent(channel, ChannelLive::new);
            synchronized (live) {
                if (live.released) {
                    continue;
                }
                live.listeners.add(listener);
            }
            return () -> {
                synchronized (live) {
                    live.listeners.remove(listener);
                    live.releaseIfIdle();
                }
            };
        }
    }

    @Override
    public BusSubscription listen(ChannelPattern pattern, LiveListener listener) {
        return patterns.add(pattern, listener);
    }

    @Override
    public void close() {
        channels.clear();
        patterns.clear();
    }

    /** Channels holding listeners or members (for tests). */
    int channelCount() {
        return channels.size();
    }

    private final class ChannelLive {
        final String name;
        final Set<LiveListener> listeners = ConcurrentHashMap.newKeySet();
        /** Member id to info, in the order they joined. */
        final Map<String, String> members = new LinkedHashMap<>();
        boolean released;

        ChannelLive(String name) {
            this.name = name;
        }

        /** Under the lock: every listener sees the channel's changes in order. */
        void announce(PresenceEvent event) {
            for (LiveListener l : listeners) {
                try {
                    l.onPresence(event);
                } catch (RuntimeException e) {
                    System.getLogger(MemoryLive.class.getName()).log(System.Logger.Level.WARNING,
                            "a presence listener of " + name + " failed", e);
                }
            }
        }

        /** Under the lock: a channel with neither listeners nor members leaves the map. */
        void releaseIfIdle() {
            if (!released && listeners.isEmpty() && members.isEmpty()) {
                released = true;
                channels.remove(name, this);
            }
        }
    }
}
