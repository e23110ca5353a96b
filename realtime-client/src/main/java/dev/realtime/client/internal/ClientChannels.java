package dev.realtime.client.internal;

import dev.realtime.client.Message;
import dev.realtime.client.RealtimeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The channels this client subscribes: which are live on the current connection, where each
 * resumes ({@link ResumeState}), and where a message, gap or cursor from the connection goes.
 * Confined to the {@link Loop}, except {@link #latestCursor()}.
 */
final class ClientChannels {

    private final Map<String, ClientChannel> byName = new LinkedHashMap<>();
    /** Channels the current connection delivers (subscribed there); cleared when it closes. */
    private final Set<String> live = new LinkedHashSet<>();
    final ResumeState resume = new ResumeState();
    private final ListenerCalls listeners;
    private volatile String latestCursor;

    ClientChannels(ListenerCalls listeners) {
        this.listeners = listeners;
    }

    ClientChannel get(String name) {
        return name == null ? null : byName.get(name);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The channels' names, in subscription order. */
    List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    Collection<ClientChannel> all() {
        return byName.values();
    }

    /** Adds a subscription; true when its channel is new to the client (the connection must learn it). */
    boolean add(SubscriptionHandle sub, String since) {
        ClientChannel cs = byName.get(sub.channel);
        if (cs != null) {
            cs.subs.add(sub);
            if (live.contains(sub.channel)) {
                sub.ready.complete(null);
            }
            return false;
        }
        cs = new ClientChannel(sub.channel);
        cs.subs.add(sub);
        byName.put(sub.channel, cs);
        resume.track(sub.channel, since);
        return true;
    }

    /** Removes a subscription; true when it was its channel's last, and the channel is gone. */
    boolean remove(SubscriptionHandle sub) {
        ClientChannel cs = byName.get(sub.channel);
        if (cs == null || !cs.subs.remove(sub) || !cs.subs.isEmpty()) {
            return false;
        }
        byName.remove(sub.channel);
        resume.untrack(sub.channel);
        listeners.forget(sub.channel);
        live.remove(sub.channel);
        cs.stopCatchUp();
        return true;
    }

    /** The client closed: every subscription fails with {@code ex}. */
    void closeAll(RealtimeException ex) {
        for (ClientChannel cs : byName.values()) {
            cs.stopCatchUp();
            for (SubscriptionHandle s : cs.subs) {
                s.active = false;
                s.ready.completeExceptionally(ex);
            }
        }
        byName.clear();
    }

    void goLive(String channel) {
        live.add(channel);
    }

    boolean isLive(String channel) {
        return live.contains(channel);
    }

    /** The connection closed: no channel is live until the next one says so. */
    void connectionClosed() {
        live.clear();
    }

    Set<String> catchingUp() {
        Set<String> s = new HashSet<>();
        byName.values().forEach(cs -> {
            if (cs.catchingUp) {
                s.add(cs.name);
            }
        });
        return s;
    }

    /** Channels a cursor from the connection covers: live there and not catching up. */
    private Set<String> covered() {
        Set<String> s = new LinkedHashSet<>(live);
        s.removeIf(c -> {
            ClientChannel cs = byName.get(c);
            return cs == null || cs.catchingUp;
        });
        return s;
    }

    void completeReady(String channel) {
        ClientChannel cs = byName.get(channel);
        if (cs != null) {
            cs.subs.forEach(s -> s.ready.complete(null));
        }
    }

    /**
     * Delivers or holds back a message. {@code cursor} (the one standing after it) travels with the
     * message only when it is a safe checkpoint: every subscribed channel is live on this
     * connection and none is catching up, so the cursor covers nothing not yet delivered.
     */
    void take(Message m, String cursor) {
        for (ClientChannel cs : receivers(m.channel())) {
            if (cs.catchingUp) {
                cs.buffered.add(m);
            } else if (cursor != null && !cursor.isEmpty() && !m.ephemeral() && covered().containsAll(byName.keySet())) {
                listeners.message(cs, new Message(m.channel(), m.id(), m.event(), m.data(), m.ts(), cursor));
            } else {
                listeners.message(cs, m);
            }
        }
    }

    /** The subscriptions a message (or gap) of {@code channel} reaches: its own, and the wildcard patterns matching it. */
    private List<ClientChannel> receivers(String channel) {
        List<ClientChannel> out = new ArrayList<>(1);
        ClientChannel own = byName.get(channel);
        if (own != null) {
            out.add(own);
        }
        for (ClientChannel cs : byName.values()) {
            if (cs != own && cs.name.indexOf('*') >= 0 && Names.covers(cs.name, channel)) {
                out.add(cs);
            }
        }
        return out;
    }

    /** A message with the cursor after it: the cursor is the client's at once, for a listener asking on this message. */
    void takeWithCursor(Message m, String cursor) {
        if (cursor != null && !cursor.isEmpty()) {
            latestCursor = cursor;
        }
        take(m, cursor);
        acceptCursor(cursor);
    }

    /** A cursor from the connection becomes the position of every channel it covers. */
    void acceptCursor(String cursor) {
        if (cursor != null && !cursor.isEmpty()) {
            resume.onCursor(cursor, covered());
            latestCursor = cursor;
        }
    }

    void gap(String channel) {
        // while a channel catches up, its history comes from the catch-up, which reports its own gaps
        for (ClientChannel cs : receivers(channel)) {
            if (!cs.catchingUp) {
                listeners.gap(cs);
            }
        }
    }

    /**
     * The server refused the channel's position ({@code invalid_cursor}: a client bug, not a gap, as
     * docs/wire-protocol-v1.md says; the caller reports the error): it restarts at "now".
     */
    void restartAtNow(String channel) {
        resume.setPosition(channel, null);
    }

    /** Any thread: the newest cursor the client has seen. */
    String latestCursor() {
        return latestCursor;
    }
}
