package dev.realtime.client.internal;

import dev.realtime.protocol.JsonStrings;
import dev.realtime.client.PresenceEvent;
import dev.realtime.client.PresenceListener;
import dev.realtime.client.PresenceMember;
import dev.realtime.client.PresenceMembership;
import dev.realtime.client.PresenceWatch;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client's presence (protocol 1.1): the channels it joins and the channels it watches, kept by
 * the engine on its loop and carried by its one connection: as frames on WebSocket, as query
 * parameters on SSE and long-polling (which then carry one member and info for all joins: the first
 * join's). Events update each watched channel's member list, then reach its listeners.
 */
final class LivePresence {
    /** A join as the client asked for it. */
    record Join(String member, String info) {}

    private final Dispatcher dispatcher;
    private final Runnable changed;
    /** Loop only. */
    private final Map<String, Join> joins = new LinkedHashMap<>();
    private final Map<String, Watch> watches = new LinkedHashMap<>();

    LivePresence(Dispatcher dispatcher, Runnable changed) {
        this.dispatcher = dispatcher;
        this.changed = changed;
    }

    final class Watch implements PresenceWatch {
        final String channel;
        final List<PresenceListener> listeners = new ArrayList<>();
        /** member -> info; read by any thread through members(). */
        private volatile Map<String, String> view = Map.of();
        private final Loop loop;

        Watch(String channel, Loop loop) {
            this.channel = channel;
            this.loop = loop;
        }

        @Override
        public List<PresenceMember> members() {
            return list(view);
        }

        @Override
        public void close() {
            loop.post(() -> {
                if (watches.get(channel) == this) {
                    watches.remove(channel);
                    changed.run();
                }
            });
        }
    }

    boolean isEmpty() {
        return joins.isEmpty() && watches.isEmpty();
    }

    PresenceMembership join(String channel, String member, String info, Loop loop) {
        Join join = new Join(member, info);
        joins.put(channel, join);
        changed.run();
        return new PresenceMembership() {
            @Override
            public String channel() {
                return channel;
            }

            @Override
            public void leave() {
                loop.post(() -> {
                    if (joins.get(channel) == join) {
                        joins.remove(channel);
                        changed.run();
                    }
                });
            }
        };
    }

    /** Loop only: one watch per channel; further listeners share it. */
    Watch watch(String channel, PresenceListener listener, Loop loop) {
        Watch w = watches.get(channel);
        if (w == null) {
            w = new Watch(channel, loop);
            watches.put(channel, w);
            w.listeners.add(listener);
            changed.run();
        } else {
            w.listeners.add(listener);
        }
        return w;
    }

    /** The query parameters of SSE and long-polling. */
    List<Map.Entry<String, String>> params() {
        List<Map.Entry<String, String>> p = new ArrayList<>();
        watches.keySet().forEach(c -> p.add(new AbstractMap.SimpleEntry<>("presence", c)));
        joins.keySet().forEach(c -> p.add(new AbstractMap.SimpleEntry<>("join", c)));
        if (!joins.isEmpty()) {
            Join first = joins.values().iterator().next();
            if (first.member() != null) {
                p.add(new AbstractMap.SimpleEntry<>("member", first.member()));
            }
            if (first.info() != null) {
                p.add(new AbstractMap.SimpleEntry<>("info", first.info()));
            }
        }
        return p;
    }

    /** What a connection was opened with, to tell whether SSE or long-polling must reopen. */
    String signature() {
        return joins + "|" + watches.keySet();
    }

    /** A snapshot of the state, for {@link #frames}. */
    State state() {
        return new State(new LinkedHashMap<>(joins), new LinkedHashSet<>(watches.keySet()));
    }

    record State(Map<String, Join> joins, Set<String> watches) {
        static final State EMPTY = new State(Map.of(), Set.of());
    }

    /** WebSocket frames from {@code from} to the current state; {@code subscribed}: channels subscribed for messages. */
    List<String> frames(State from, Set<String> subscribed) {
        List<String> frames = new ArrayList<>();
        joins.forEach((channel, j) -> {
            if (!j.equals(from.joins().get(channel))) {
                frames.add("{\"type\":\"join\",\"ref\":\"live\",\"channel\":" + JsonStrings.quote(channel)
                        + (j.member() == null ? "" : ",\"member\":" + JsonStrings.quote(j.member()))
                        + (j.info() == null ? "" : ",\"info\":" + j.info()) + "}");
            }
        });
        for (String channel : from.joins().keySet()) {
            if (!joins.containsKey(channel)) {
                frames.add("{\"type\":\"leave\",\"ref\":\"live\",\"channel\":" + JsonStrings.quote(channel) + "}");
            }
        }
        for (String channel : watches.keySet()) {
            if (!from.watches().contains(channel)) {
                frames.add("{\"type\":\"subscribe\",\"ref\":\"live\",\"channel\":" + JsonStrings.quote(channel) + ",\"presence\":true}");
            }
        }
        for (String channel : from.watches()) {
            if (!watches.containsKey(channel) && !subscribed.contains(channel)) {
                frames.add(Frames.unsubscribe(channel));
            }
        }
        return frames;
    }

    /** Loop only: the server refused the joins (HTTP transports): they are dropped, so messages flow on. */
    boolean dropJoins() {
        if (joins.isEmpty()) {
            return false;
        }
        joins.clear();
        return true;
    }

    boolean watches(String channel) {
        return watches.containsKey(channel);
    }

    /** Loop only: an event from the server. */
    void onEvent(JsonObject o) {
        Watch w = watches.get(Json.string(o, "channel"));
        if (w == null) {
            return;
        }
        String action = Json.string(o, "action");
        Map<String, String> next = new LinkedHashMap<>(w.view);
        List<PresenceMember> members = null;
        String member = Json.string(o, "member");
        JsonValue info = o.get("info");
        switch (action == null ? "" : action) {
            case "sync" -> {
                next.clear();
                members = new ArrayList<>();
                JsonArray list = o.getJsonArray("members");
                if (list != null) {
                    for (JsonValue v : list) {
                        JsonObject m = v.asJsonObject();
                        next.put(Json.string(m, "member"), String.valueOf(m.get("info")));
                        members.add(new PresenceMember(Json.string(m, "member"), String.valueOf(m.get("info"))));
                    }
                }
            }
            case "join", "update" -> next.put(member, String.valueOf(info));
            case "leave" -> {
                if (next.remove(member) == null) {
                    return;
                }
            }
            default -> {
                return;
            }
        }
        w.view = next;
        JsonValue ts = o.get("ts");
        PresenceEvent event = new PresenceEvent(w.channel, action, member, info == null ? null : info.toString(),
                members == null ? List.of() : List.copyOf(members), ts instanceof JsonNumber n ? n.longValue() : 0L);
        List<PresenceMember> after = list(next);
        for (PresenceListener l : List.copyOf(w.listeners)) {
            dispatcher.submit(() -> {
                try {
                    l.onPresence(event, after);
                } catch (RuntimeException e) {
                    System.getLogger(LivePresence.class.getName()).log(System.Logger.Level.WARNING, "a presence listener threw", e);
                }
            });
        }
    }

    private static List<PresenceMember> list(Map<String, String> view) {
        List<PresenceMember> out = new ArrayList<>(view.size());
        view.forEach((m, i) -> out.add(new PresenceMember(m, i)));
        return out;
    }
}
