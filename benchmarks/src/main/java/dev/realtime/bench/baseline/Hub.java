package dev.realtime.bench.baseline;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The baseline: what a developer writes on bare Tomcat to broadcast to channels over WebSocket, SSE and
 * long-polling, with no library. The publishing request thread writes to every connection of the
 * channel itself (blocking writes, one lock per connection); long-polling keeps the last 1,024 messages
 * of a channel so a poller that names its last id misses nothing. No validation, no per-connection
 * queue, no resume for WebSocket and SSE.
 *
 * <p>Channels: a {@code channel} query parameter on subscribe and publish (default {@code bench}) picks
 * an entry of a map channel -> subscribers, created on first use and never removed (the many-channels
 * benchmark). The sets below hold every connection of every channel (admin counts, disconnect-all).
 */
final class Hub {
    static final int RING = 1024;
    static final String DEFAULT_CHANNEL = "bench";
    static final Set<Session> sockets = ConcurrentHashMap.newKeySet();
    static final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    static final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private static final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();

    private Hub() {
    }

    /** One channel: its subscribers and the ring of its last 1,024 messages (ids are per channel). */
    static final class Channel {
        final String name;
        final Set<Session> sockets = ConcurrentHashMap.newKeySet();
        final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
        private final String[] ring = new String[RING];
        private long head;

        Channel(String name) {
            this.name = name;
        }
    }

    /** The channel named by a {@code channel} parameter (null or empty: the default channel). */
    static Channel channel(String name) {
        String n = name == null || name.isEmpty() ? DEFAULT_CHANNEL : name;
        return channels.computeIfAbsent(n, Channel::new);
    }

    static void add(Channel ch, Session s) {
        ch.sockets.add(s);
        sockets.add(s);
    }

    static void remove(Channel ch, Session s) {
        ch.sockets.remove(s);
        sockets.remove(s);
    }

    static void add(SseClient c) {
        c.channel.streams.add(c);
        streams.add(c);
    }

    static void remove(SseClient c) {
        c.channel.streams.remove(c);
        streams.remove(c);
    }

    static void add(Waiter w) {
        w.channel.waiters.add(w);
        waiters.add(w);
    }

    static void remove(Waiter w) {
        w.channel.waiters.remove(w);
        waiters.remove(w);
    }

    static final class SseClient {
        final AsyncContext async;
        final ServletOutputStream out;
        final Channel channel;

        SseClient(AsyncContext async, ServletOutputStream out, Channel channel) {
            this.async = async;
            this.out = out;
            this.channel = channel;
        }
    }

    static final class Waiter {
        final AsyncContext async;
        final long since;
        final Channel channel;
        final AtomicBoolean answered = new AtomicBoolean();

        Waiter(AsyncContext async, long since, Channel channel) {
            this.async = async;
            this.since = since;
            this.channel = channel;
        }
    }

    /** Publishes a JSON body to a channel; returns its id (per channel). */
    static long publish(Channel ch, String body) {
        long id;
        String json;
        synchronized (ch.ring) {
            id = ++ch.head;
            json = "{\"channel\":\"" + ch.name + "\",\"id\":\"" + id + "\",\"event\":\"message\",\"data\":" + body
                    + ",\"ts\":" + System.currentTimeMillis() + "}";
            ch.ring[(int) (id % RING)] = json;
        }
        for (Session s : ch.sockets) {
            try {
                synchronized (s) {
                    s.getBasicRemote().sendText(json);
                }
            } catch (IOException | RuntimeException e) {
                remove(ch, s);
            }
        }
        byte[] event = ("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (SseClient c : ch.streams) {
            try {
                synchronized (c) {
                    c.out.write(event);
                    c.out.flush();
                }
            } catch (IOException | RuntimeException e) {
                remove(c);
            }
        }
        for (Waiter w : ch.waiters) {
            if (w.since < id) { // a poller that registered after this message already has it in view
                answer(w, false);
            }
        }
        return id;
    }

    static long head(Channel ch) {
        synchronized (ch.ring) {
            return ch.head;
        }
    }

    /** Messages of the channel after {@code since} still in its ring, and the id of the last one. */
    static String pollBody(Channel ch, long since) {
        StringBuilder b = new StringBuilder(256).append("{\"messages\":[");
        long last;
        synchronized (ch.ring) {
            long from = Math.max(since + 1, ch.head - RING + 1);
            for (long i = from; i <= ch.head; i++) {
                if (i > from) {
                    b.append(',');
                }
                b.append(ch.ring[(int) (i % RING)]);
            }
            last = Math.max(since, ch.head);
        }
        return b.append("],\"cursor\":\"").append(last).append("\"}").toString();
    }

    static void answer(Waiter w, boolean close) {
        if (!w.answered.compareAndSet(false, true)) {
            return;
        }
        remove(w);
        try {
            HttpServletResponse resp = (HttpServletResponse) w.async.getResponse();
            byte[] body = pollBody(w.channel, w.since).getBytes(StandardCharsets.UTF_8);
            resp.setStatus(200);
            resp.setContentType("application/json");
            resp.setHeader("Cache-Control", "no-store");
            if (close) {
                resp.setHeader("Connection", "close");
            }
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
            w.async.complete();
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    /** Drops every connection (the admin servlet; reconnect-storm scenario). */
    static void disconnectAll() {
        for (Session s : List.copyOf(sockets)) {
            if (s.getUserProperties().get("channel") instanceof Channel ch) {
                remove(ch, s);
            } else {
                sockets.remove(s);
            }
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "dropped"));
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        }
        for (SseClient c : List.copyOf(streams)) {
            remove(c);
            try {
                synchronized (c) {
                    c.async.complete();
                }
            } catch (RuntimeException e) {
                // gone already
            }
        }
        for (Waiter w : new ArrayList<>(waiters)) {
            answer(w, true);
        }
    }
}
