package dev.realtime.internal.presence;

import dev.realtime.ChannelAccess;
import dev.realtime.Connection;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.internal.JsonText;
import dev.realtime.internal.Names;
import dev.realtime.internal.Outbound;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.PresenceEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one protocol 1.1 connection receives from the live bus and holds in it: the ephemeral
 * messages of its channels and patterns, the presence events of the channels it watches (a member
 * list first, then every change), and the channels it joined. Its session owns it and calls it under
 * no lock of its own; items go to the session's queue through {@code sink}.
 */
public final class SessionLive {
    private final LiveBus live;
    private final PresenceRegistry registry;
    private final Clock clock;
    private final int maxInfoSize;
    private final int maxJoins;
    private final ChannelAccess access;
    private final Consumer<Outbound> sink;
    /** The connection the joins are made through (its session). */
    private final Connection connection;
    /** Guarded by this. */
    private final Map<String, Feed> feeds = new LinkedHashMap<>();
    private final Map<String, PresenceRegistry.Lease> joined = new HashMap<>();
    private boolean closed;

    /**
     * @param maxInfoSize bytes of a member's info (realtime.presence.maxInfoSize)
     * @param maxJoins    channels a connection may join (realtime.channels.max)
     */
    public SessionLive(LiveBus live, PresenceRegistry registry, Clock clock, int maxInfoSize, int maxJoins,
                       ChannelAccess access, Consumer<Outbound> sink, Connection connection) {
        this.live = live;
        this.registry = registry;
        this.clock = clock;
        this.maxInfoSize = maxInfoSize;
        this.maxJoins = maxJoins;
        this.access = access;
        this.sink = sink;
        this.connection = connection;
    }

    /**
     * Starts (or widens) the live feed of a channel: with {@code messages} (the session subscribed
     * it) its ephemeral messages, with {@code presence} its member list followed by every change.
     */
    public void follow(String channel, boolean messages, boolean presence) {
        Feed feed;
        boolean created = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            feed = feeds.get(channel);
            if (feed == null) {
                feed = new Feed(channel, null, null);
                feeds.put(channel, feed);
                created = true;
            }
        }
        if (messages) {
            feed.messages = true;
        }
        if (created) {
            feed.open(live.listen(channel, feed));
        }
        if (presence) {
            feed.watchPresence();
        }
    }

    /** Starts the live feed of a pattern: the ephemeral messages of the matched channels {@code allowed} accepts. */
    public void follow(ChannelPattern pattern, Predicate<String> allowed) {
        Feed feed;
        synchronized (this) {
            if (closed || feeds.containsKey(pattern.text())) {
                return;
            }
            feed = new Feed(pattern.text(), pattern, allowed);
            feed.messages = true;
            feeds.put(pattern.text(), feed);
        }
        feed.open(live.listen(pattern, feed));
    }

    /**
     * An ephemeral message has no id a client could drop a repeat by: it comes through one feed only,
     * the channel's own if the session subscribed it by name, else the first pattern that matches.
     */
    private synchronized boolean deliversEphemeral(Feed feed, String channel) {
        if (feed.pattern == null) {
            return feeds.get(channel) == feed;
        }
        Feed own = feeds.get(channel);
        if (own != null && own.messages) {
            return false;
        }
        for (Feed f : feeds.values()) {
            if (f.pattern != null && f.pattern.matches(channel)) {
                return f == feed;
            }
        }
        return false;
    }

    /** Ends the feed of a channel or pattern the session unsubscribed. */
    public void unfollow(String name) {
        Feed feed;
        synchronized (this) {
            feed = feeds.remove(name);
        }
        if (feed != null) {
            feed.close();
        }
    }

    /** Whether presence events of the channel are wanted. */
    public synchronized boolean watches(String channel) {
        Feed feed = feeds.get(channel);
        return feed != null && feed.presence;
    }

    /**
     * Joins the channel's presence for this connection. The member id is the Authorizer's answer
     * ({@link ChannelAccess#presenceMember}); a join of a channel already joined replaces the member
     * or its info.
     *
     * @param requested the member id the client named, or null
     * @param user      the authenticated user's name, or null
     * @param info      the info as JSON text, or null for {@code null}
     * @return the member id in use
     */
    public String join(String channel, String requested, String user, String info) {
        Names.channel(channel);
        if (!access.maySubscribe(channel)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not join the presence of " + channel);
        }
        String proposed = access.presenceMember(channel, requested == null ? null : Names.member(requested), user);
        if (proposed == null) {
            if (requested == null && user == null) {
                Names.member(null); // says what is missing
            }
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not join the presence of " + channel + " as "
                    + (requested != null ? requested : user));
        }
        String member = Names.member(proposed);
        String compact = info == null ? "null" : JsonText.compact(JsonText.parse(info));
        if (compact.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxInfoSize) {
            throw new RealtimeException(ErrorCode.PAYLOAD_TOO_LARGE, "presence info is larger than " + maxInfoSize + " bytes");
        }
        synchronized (this) {
            if (closed) {
                throw new RealtimeException(ErrorCode.SHUTTING_DOWN, "the connection is closing");
            }
            if (!joined.containsKey(channel) && joined.size() >= maxJoins) {
                throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "a connection may join at most " + maxJoins + " channels");
            }
        }
        PresenceRegistry.Lease lease = registry.hold(channel, member, compact, connection);
        PresenceRegistry.Lease previous;
        boolean keep;
        synchronized (this) {
            keep = !closed;
            previous = keep ? joined.put(channel, lease) : null;
        }
        if (!keep) {
            lease.release(0);
        }
        if (previous != null) {
            previous.release(0); // after the new hold: the same member never leaves in between
        }
        return member;
    }

    /** Leaves the channel's presence; false when this connection had not joined it. */
    public boolean leave(String channel) {
        PresenceRegistry.Lease lease;
        synchronized (this) {
            lease = joined.remove(channel);
        }
        if (lease != null) {
            lease.release(0);
        }
        return lease != null;
    }

    /** Channels whose presence events are wanted (a pattern's feed carries none). */
    public synchronized List<String> watchedChannels() {
        List<String> watched = new ArrayList<>();
        for (Feed feed : feeds.values()) {
            if (feed.pattern == null && feed.watching()) {
                watched.add(feed.name);
            }
        }
        return watched;
    }

    /** Channels joined (for tests and parked long-polls). */
    public synchronized List<String> joinedChannels() {
        return new ArrayList<>(joined.keySet());
    }

    /** Ends every feed and gives back every hold; members stay present until {@code keepUntilMillis} (0: leave now). */
    public void close(long keepUntilMillis) {
        List<Feed> ended;
        List<PresenceRegistry.Lease> leases;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ended = new ArrayList<>(feeds.values());
            leases = new ArrayList<>(joined.values());
            feeds.clear();
            joined.clear();
        }
        ended.forEach(Feed::close);
        leases.forEach(l -> l.release(keepUntilMillis));
    }

    /** One channel's (or pattern's) feed; also its live listener. */
    private final class Feed implements LiveListener {
        final String name;
        final ChannelPattern pattern;
        /** For a pattern: which matched channels the connection may receive. */
        final Predicate<String> allowed;
        volatile BusSubscription subscription;
        /** The session subscribed the channel (or pattern): its ephemeral messages are wanted. */
        volatile boolean messages;
        /** Guarded by this feed: presence wanted, and events that arrive while the member list is read. */
        boolean presence;
        List<PresenceEvent> buffered;
        boolean ended;

        Feed(String name, ChannelPattern pattern, Predicate<String> allowed) {
            this.name = name;
            this.pattern = pattern;
            this.allowed = allowed;
        }

        synchronized boolean watching() {
            return presence && !ended;
        }

        void open(BusSubscription s) {
            boolean close;
            synchronized (this) {
                close = ended;
                subscription = s;
            }
            if (close) {
                s.close();
            }
        }

        /**
         * Sends the member list, then the changes. Events that arrive while the list is read are held
         * and sent after it: applied on top of the list they leave every member as its last change says.
         */
        void watchPresence() {
            synchronized (this) {
                if (presence || ended) {
                    return;
                }
                presence = true;
                buffered = new ArrayList<>();
            }
            sync();
        }

        private void sync() {
            String fields = PresenceJson.sync(name, live.members(name), clock.millis());
            synchronized (this) {
                if (ended) {
                    return;
                }
                sink.accept(new Outbound.Presence(name, fields));
                if (buffered != null) {
                    for (PresenceEvent e : buffered) {
                        sink.accept(new Outbound.Presence(name, e.jsonFields()));
                    }
                    buffered = null;
                }
            }
        }

        @Override
        public void onEphemeral(Message message) {
            if (messages && (allowed == null || allowed.test(message.channel())) && deliversEphemeral(this, message.channel())) {
                sink.accept(new Outbound.Delivery(message, null, true));
            }
        }

        @Override
        public synchronized void onPresence(PresenceEvent event) {
            if (!presence || ended) {
                return;
            }
            if (buffered != null) {
                buffered.add(event);
            } else {
                sink.accept(new Outbound.Presence(name, event.jsonFields()));
            }
        }

        @Override
        public void onResync(String channel) {
            synchronized (this) {
                if (!presence || ended || buffered != null) {
                    return;
                }
                buffered = new ArrayList<>();
            }
            sync(); // the live bus may have missed changes: a fresh list replaces what the client knows
        }

        void close() {
            BusSubscription s;
            synchronized (this) {
                ended = true;
                s = subscription;
            }
            if (s != null) {
                s.close();
            }
        }
    }
}
