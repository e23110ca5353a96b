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
 * The baseline: what a developer writes on bare Tomcat to broadcast one channel over WebSocket, SSE and
 * long-polling, with no library. The publishing request thread writes to every connection itself
 * (blocking writes, one lock per connection); long-polling keeps the last 1,024 messages so a poller
 * that names its last id misses nothing. No validation, no per-connection queue, no resume for
 * WebSocket and SSE.
 */
final class Hub {
    static final int RING = 1024;
    static final Set<Session> sockets = ConcurrentHashMap.newKeySet();
    static final Set<SseClient> streams = ConcurrentHashMap.newKeySet();
    static final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private static final String[] ring = new String[RING];
    private static long head;

    private Hub() {
    }

    static final class SseClient {
        final AsyncContext async;
        final ServletOutputStream out;

        SseClient(AsyncContext async, ServletOutputStream out) {
            this.async = async;
            this.out = out;
        }
    }

    static final class Waiter {
        final AsyncContext async;
        final long since;
        final AtomicBoolean answered = new AtomicBoolean();

        Waiter(AsyncContext async, long since) {
            this.async = async;
            this.since = since;
        }
    }

    /** Publishes a JSON body; returns its id. */
    static long publish(String body) {
        long id;
        String json;
        synchronized (ring) {
            id = ++head;
            json = "{\"channel\":\"bench\",\"id\":\"" + id + "\",\"event\":\"message\",\"data\":" + body
                    + ",\"ts\":" + System.currentTimeMillis() + "}";
            ring[(int) (id % RING)] = json;
        }
        for (Session s : sockets) {
            try {
                synchronized (s) {
                    s.getBasicRemote().sendText(json);
                }
            } catch (IOException | RuntimeException e) {
                sockets.remove(s);
            }
        }
        byte[] event = ("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
        for (SseClient c : streams) {
            try {
                synchronized (c) {
                    c.out.write(event);
                    c.out.flush();
                }
            } catch (IOException | RuntimeException e) {
                streams.remove(c);
            }
        }
        for (Waiter w : waiters) {
            if (w.since < id) { // a poller that registered after this message already has it in view
                answer(w, false);
            }
        }
        return id;
    }

    static long head() {
        synchronized (ring) {
            return head;
        }
    }

    /** Messages after {@code since} still in the ring, and the id of the last one. */
    static String pollBody(long since) {
        StringBuilder b = new StringBuilder(256).append("{\"messages\":[");
        long last;
        synchronized (ring) {
            long from = Math.max(since + 1, head - RING + 1);
            for (long i = from; i <= head; i++) {
                if (i > from) {
                    b.append(',');
                }
                b.append(ring[(int) (i % RING)]);
            }
            last = Math.max(since, head);
        }
        return b.append("],\"cursor\":\"").append(last).append("\"}").toString();
    }

    static void answer(Waiter w, boolean close) {
        if (!w.answered.compareAndSet(false, true)) {
            return;
        }
        waiters.remove(w);
        try {
            HttpServletResponse resp = (HttpServletResponse) w.async.getResponse();
            byte[] body = pollBody(w.since).getBytes(StandardCharsets.UTF_8);
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
            sockets.remove(s);
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "dropped"));
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        }
        for (SseClient c : List.copyOf(streams)) {
            streams.remove(c);
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
