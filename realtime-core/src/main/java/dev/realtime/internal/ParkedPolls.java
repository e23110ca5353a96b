package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.internal.metrics.Transport;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Long-poll sessions kept between polls (issue 14). A poll used to open a session, subscribe its
 * channels, read history, answer and unsubscribe, on every request. After an answer the session is
 * instead parked here, still subscribed and queuing, keyed by the cursor it handed out and its
 * client; the next poll that comes back with exactly that cursor, the same channels and the same
 * client takes it over and only drains it. The protocol is unchanged: any other poll (another node, another cursor, a
 * parked session expired or evicted) takes the full path, which resumes from the cursor as before.
 *
 * <p>Sessions are keyed by cursor <em>and</em> client: a cursor alone is not unique. Every session
 * without channels (a presence watch, a join) hands out {@code 1~<epoch>}, and two clients on one
 * channel at one position hand out the same text too. Keyed by cursor alone, one client's poll or
 * park dropped the other's parked session and the events queued in it: a watcher then took the full
 * path and saw a join only inside its new member list, never as a join.
 *
 * <p>A parked session keeps the rights of the credential it was opened with. A poll that presents
 * another one (a refreshed ticket) never takes it over: the full path opens a session with the new
 * rights. The parked session's memberships the new rights no longer allow end at once, as a WebSocket
 * refresh ends them, rather than after the poll grace; the others stay for the new session to hold.
 *
 * <p>A parked session is not a connection: it leaves the engine's session set and gives back its
 * address's connection slot, and takes both again when a poll resumes it. Parked sessions are bounded
 * ({@code realtime.connections.max}, the oldest evicted first; {@code realtime.connections.perAddress}
 * per address, beyond which a session is not parked) and expire after {@code realtime.poll.linger}, so
 * a client that never comes back costs memory for that long only, and one client polling fast with
 * ever new cursors holds no more sessions than it may hold connections.
 */
public final class ParkedPolls {
    private final Engine engine;
    private final long lingerMillis;
    private final int max;
    private final int maxPerAddress;
    private final Map<Key, Parked> byKey = new ConcurrentHashMap<>();
    /** Sessions parked per client address; an address leaves the map when its count falls to zero. */
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();

    ParkedPolls(Engine engine, long lingerMillis, int max, int maxPerAddress) {
        this.engine = engine;
        this.lingerMillis = lingerMillis;
        this.max = max;
        this.maxPerAddress = maxPerAddress;
    }

    boolean enabled() {
        return lingerMillis > 0;
    }

    /**
     * After an answer carrying {@code cursor}: keeps the session for the client's next poll. Returns
     * false when it cannot be kept (parking off, the session closed or still replaying); the caller
     * then closes it, as before.
     */
    public boolean park(Session session, String cursor, String client, String credential) {
        if (!enabled() || !session.resumable() || !countIn(session.address())) {
            return false;
        }
        Parked parked = new Parked(session, cursor, client, credential, engine.clock().millis());
        session.attach(parked, 0);
        if (!engine.detach(session)) {
            countOut(session.address());
            return false; // closed meanwhile
        }
        while (byKey.size() >= max && evictOne()) {
            // bounded: the oldest go first
        }
        Parked previous = byKey.put(parked.key, parked);
        if (previous != null) {
            countOut(previous.session.address());
            previous.session.close(); // two answers with one cursor to one client (a retried poll): the older one is dropped
        }
        if (session.isClosed()) { // terminated while being parked: do not keep it
            remove(parked);
            return true; // it is closed either way; nothing left for the caller to do
        }
        return true;
    }

    /**
     * The parked session of {@code client} for a poll coming back with {@code cursor}, attached to
     * {@code output}; or {@code null} when there is none fit to resume (the caller takes the full path).
     * Another client's session parked under the same cursor is left alone.
     *
     * @param credential the ticket or resume token the poll presented, or null
     * @param access     the poll's rights
     */
    public Session resume(String cursor, List<String> channels, String client, String credential, ChannelAccess access,
                          Session.Output output, int replayBudget) {
        if (!enabled()) {
            return null;
        }
        Parked parked = byKey.get(new Key(cursor, client));
        if (parked == null || !remove(parked)) {
            return null;
        }
        Session session = parked.session;
        if (!Objects.equals(parked.credential, credential) || !stillAllowed(session, access)) {
            session.leaveRevoked(access); // now: the poll grace is for a client between polls, not for lost rights
            session.close();
            return null;
        }
        if (engine.clock().millis() - parked.parkedAt > lingerMillis // expired, the sweep not yet run: as if swept
                || !sameChannels(session.channels(), channels)
                || !session.resumable() || !engine.reattach(session)) {
            session.close();
            return null;
        }
        session.attach(output, replayBudget);
        return session;
    }

    /** Expires sessions whose client did not come back within the linger time. */
    void sweep() {
        long now = engine.clock().millis();
        for (Parked p : byKey.values()) {
            if (now - p.parkedAt > lingerMillis && remove(p)) {
                p.session.close();
            }
        }
    }

    void closeAll() {
        for (Parked p : byKey.values()) {
            if (remove(p)) {
                p.session.close();
            }
        }
    }

    public int size() {
        return byKey.size();
    }

    private boolean evictOne() {
        Parked oldest = null;
        for (Parked p : byKey.values()) {
            if (oldest == null || p.parkedAt < oldest.parkedAt) {
                oldest = p;
            }
        }
        if (oldest != null && remove(oldest)) {
            oldest.session.close();
            return true;
        }
        return oldest != null;
    }

    /** Takes a parked session out; false when another thread took it first. */
    private boolean remove(Parked p) {
        if (!byKey.remove(p.key, p)) {
            return false;
        }
        countOut(p.session.address());
        return true;
    }

    /** Counts one more session parked for the address, if it stays within its limit. */
    private boolean countIn(String address) {
        boolean[] counted = {false};
        byAddress.compute(address, (a, n) -> {
            int held = n == null ? 0 : n;
            counted[0] = held < maxPerAddress;
            return counted[0] ? held + 1 : n;
        });
        return counted[0];
    }

    private void countOut(String address) {
        byAddress.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    }

    private static boolean sameChannels(List<String> held, List<String> wanted) {
        return held.size() == new HashSet<>(wanted).size() && held.containsAll(wanted);
    }

    /** Whether the poll's rights still cover all the session holds; if not, the full path refuses with the usual error. */
    private static boolean stillAllowed(Session session, ChannelAccess access) {
        for (List<String> held : List.of(session.channels(), session.joinedChannels(), session.watchedChannels())) {
            for (String channel : held) {
                if (!access.maySubscribe(channel)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Who may take a parked session over: the poll of its client with the cursor it handed out. */
    private record Key(String cursor, String client) {}

    /** A parked session's output: holds what arrives until a poll takes it over. */
    private final class Parked implements Session.Output {
        final Session session;
        final Key key;
        /** The ticket or resume token the session's rights come from, or null. */
        final String credential;
        final long parkedAt;

        Parked(Session session, String cursor, String client, String credential, long parkedAt) {
            this.session = session;
            this.key = new Key(cursor, client);
            this.credential = credential;
            this.parkedAt = parkedAt;
        }

        @Override
        public void wake() {
            // nobody to answer yet: the next poll drains what is queued
        }

        @Override
        public void terminate(Session.CloseCause cause) {
            remove(this); // the session closes right after; the next poll takes the full path
        }

        @Override
        public Transport transport() {
            return Transport.LONGPOLL; // only long-polls are parked
        }
    }
}
