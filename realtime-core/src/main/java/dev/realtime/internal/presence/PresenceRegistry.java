package dev.realtime.internal.presence;

import dev.realtime.Connection;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.PresenceJoin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * This node's presence members (protocol 1.1): how many local connections hold each (channel,
 * member), so the live bus hears one join for the first and one leave after the last. A connection
 * that ends may keep its hold for a while (a long-poll between polls): the member leaves only when
 * that time has passed without another connection taking it up. The {@link Observer} hears the same
 * join and leave, under the member's lock, so one member's join and leave reach it in order.
 *
 * <p>Members kept after their connection ended count against the address of that connection, as the
 * connection did: at most as many as its connections could hold ({@code realtime.connections.perAddress}
 * times {@code realtime.channels.max}). Beyond, a member whose connection ends leaves at once: else
 * one client polling fast, each poll joining another channel or as another member, kept ever more
 * members for the grace.
 */
public final class PresenceRegistry {
    private static final System.Logger LOG = System.getLogger(PresenceRegistry.class.getName());

    private final LiveBus live;
    private final Clock clock;
    private final int maxMembers;
    private final long maxKeptPerAddress;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Members kept without a holder, per address of their last connection; an address leaves at zero. */
    private final Map<String, Long> keptByAddress = new ConcurrentHashMap<>();
    private final Observer observer;

    /** Hears a member join and leave this node's presence (the engine's {@code RealtimeListener}s). */
    public interface Observer {
        /** Whether anyone listens: a cheap check before each call. */
        boolean any();

        void joined(Connection c, String channel, String member);

        void left(Connection c, String channel, String member);
    }

    /** @param maxKeptPerAddress members one address may keep after their connections ended */
    public PresenceRegistry(LiveBus live, Clock clock, int maxMembers, long maxKeptPerAddress, Observer observer) {
        this.live = live;
        this.clock = clock;
        this.maxMembers = maxMembers;
        this.maxKeptPerAddress = maxKeptPerAddress;
        this.observer = observer;
    }

    /** A connection's hold on a member of a channel; released once. */
    public final class Lease {
        final String channel;
        final String member;
        final Connection connection;
        private boolean released;

        Lease(String channel, String member, Connection connection) {
            this.channel = channel;
            this.member = member;
            this.connection = connection;
        }

        public String member() {
            return member;
        }

        /** Gives the hold back; the member stays present until {@code keepUntilMillis} (0: no longer) unless held again. */
        public void release(long keepUntilMillis) {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            PresenceRegistry.this.release(this, keepUntilMillis);
        }
    }

    /**
     * Holds {@code member} in the channel for {@code connection}, with {@code info} (compact JSON text,
     * already size-checked). Joins the live bus for the member's first hold on this node (or updates
     * its info).
     *
     * @throws RealtimeException {@code too_many_members} when the channel is full
     */
    public Lease hold(String channel, String member, String info, Connection connection) {
        String key = channel + '\n' + member;
        while (true) {
            Held h = held.computeIfAbsent(key, k -> new Held());
            synchronized (h) {
                if (h.gone) {
                    continue; // left meanwhile: take the next entry
                }
                boolean first = h.info == null;
                if (!info.equals(h.info)) {
                    PresenceJoin result = live.join(channel, member, info, maxMembers);
                    if (result == PresenceJoin.FULL) {
                        if (h.info == null) { // never joined: this entry holds nothing
                            h.gone = true;
                            held.remove(key, h);
                        }
                        throw new RealtimeException(ErrorCode.TOO_MANY_MEMBERS, "the presence of " + channel
                                + " holds its maximum of " + maxMembers + " members");
                    }
                    h.info = info;
                }
                h.holders++;
                h.keepUntil = 0;
                unkeep(h);
                h.last = connection;
                if (first && observer.any()) {
                    observer.joined(connection, channel, member);
                }
                return new Lease(channel, member, connection);
            }
        }
    }

    private void release(Lease lease, long keepUntilMillis) {
        String key = lease.channel + '\n' + lease.member;
        Held h = held.get(key);
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (h.gone || --h.holders > 0) {
                return;
            }
            h.last = lease.connection; // the leave, now or after the grace, is through the last holder
            if (keepUntilMillis > clock.millis() && keep(h, java.util.Objects.requireNonNullElse(lease.connection.remoteAddress(), ""))) {
                h.keepUntil = Math.max(h.keepUntil, keepUntilMillis); // the sweep lets it go
                return;
            }
            leave(key, h, lease.channel, lease.member);
        }
    }

    /** Under the entry's lock. */
    private void leave(String key, Held h, String channel, String member) {
        h.gone = true;
        unkeep(h);
        held.remove(key, h);
        try {
            live.leave(channel, member);
        } catch (RuntimeException e) {
            // the live bus's own expiry (a dead node's members) takes care of it
            LOG.log(System.Logger.Level.WARNING, "presence: leaving " + channel + " as " + member + " failed: " + e);
        }
        if (observer.any()) {
            observer.left(h.last, channel, member);
        }
    }

    /** Members whose last hold ended and whose time to be kept has passed leave now (on the executor: a leave may be a round trip). */
    public void sweep(Executor executor) {
        long now = clock.millis();
        List<String> due = new ArrayList<>();
        held.forEach((key, h) -> {
            synchronized (h) {
                if (!h.gone && h.holders == 0 && h.keepUntil <= now) {
                    due.add(key);
                }
            }
        });
        if (!due.isEmpty()) {
            executor.execute(() -> due.forEach(this::leaveIfStillDue));
        }
    }

    private void leaveIfStillDue(String key) {
        Held h = held.get(key);
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (!h.gone && h.holders == 0 && h.keepUntil <= clock.millis()) {
                int nl = key.indexOf('\n');
                leave(key, h, key.substring(0, nl), key.substring(nl + 1));
            }
        }
    }

    /** At shutdown: every member of this node leaves now. */
    public void leaveAll() {
        held.forEach((key, h) -> {
            synchronized (h) {
                if (!h.gone) {
                    int nl = key.indexOf('\n');
                    leave(key, h, key.substring(0, nl), key.substring(nl + 1));
                }
            }
        });
    }

    /** Under the entry's lock: counts it as kept for {@code address}, if the address stays within its limit. */
    private boolean keep(Held h, String address) {
        if (h.keptFor != null) {
            return true; // kept already (a second hold that ended again)
        }
        boolean[] counted = {false};
        keptByAddress.compute(address, (a, n) -> {
            long kept = n == null ? 0 : n;
            counted[0] = kept < maxKeptPerAddress;
            return counted[0] ? kept + 1 : n;
        });
        if (counted[0]) {
            h.keptFor = address;
        }
        return counted[0];
    }

    /** Under the entry's lock: it is no longer kept (held again, or gone). */
    private void unkeep(Held h) {
        if (h.keptFor != null) {
            keptByAddress.computeIfPresent(h.keptFor, (a, n) -> n > 1 ? n - 1 : null);
            h.keptFor = null;
        }
    }

    /** Members held on this node (for tests). */
    public int size() {
        return held.size();
    }

    /** One (channel, member) on this node. */
    private static final class Held {
        int holders;
        /** The info the live bus has for the member from this node; null before the first join. */
        String info;
        /** With no holder left: when the member leaves (0: at the next sweep). */
        long keepUntil;
        boolean gone;
        /** The connection of the latest hold, or the last one given back: the one joins and leaves are reported through. */
        Connection last;
        /** While kept without a holder: the address it counts against. */
        String keptFor;
    }
}
