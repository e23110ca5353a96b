package dev.realtime.it.redis;

import jakarta.json.JsonObject;

import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber of one channel that speaks the wire protocol itself (no client library), on one
 * transport, the way a careful client does: it keeps the last cursor it was given and, whenever its
 * connection ends or fails, connects again from that cursor, to its home node or, when that cannot
 * be reached, to the other. It records every message and gap notice in order of arrival, and can
 * stop reading for a while (a client that stops reading its socket).
 */
abstract class Subscriber implements AutoCloseable {
    /** A message (its key and id) or a gap notice, as received. */
    record Event(String key, long id, boolean gap, long nanos) {
        @Override
        public String toString() {
            return gap ? "GAP" : key + "#" + id;
        }
    }

    final String name;
    final String channel;
    final List<Event> events = new CopyOnWriteArrayList<>();
    /** Connections (or polls) that could not be made, and connections that ended: both lead to a resume. */
    final AtomicInteger failedAttempts = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    private final List<URL> nodes;
    private int node;
    private volatile String cursor;
    private volatile boolean paused;
    private volatile boolean closed;
    private volatile Throwable lastFailure;
    private final Thread thread;

    /**
     * @param cursor where to start (every subscriber of a test starts at the same cursor, so all must
     *               receive the same messages)
     * @param nodes  the home node first, then the node to fall back on
     */
    Subscriber(String name, String channel, String cursor, List<URL> nodes) {
        this.name = name;
        this.channel = channel;
        this.cursor = cursor;
        this.nodes = List.copyOf(nodes);
        this.thread = new Thread(this::run, "subscriber-" + name);
        this.thread.setDaemon(true);
    }

    /** The same subscriber on another start position or nodes is another subscriber: use a new one. */
    Subscriber start() {
        thread.start();
        return this;
    }

    /** Reads one connection until it ends (returns) or fails (throws); resumes are the caller's. */
    abstract void connection(URL node, String cursor) throws Exception;

    /** Unblocks a read in progress so the connection ends (called from {@link #close}). */
    abstract void abort();

    private void run() {
        while (!closed) {
            URL target = nodes.get(node);
            try {
                connection(target, cursor);
            } catch (NodeUnreachable e) {
                lastFailure = e;
                failedAttempts.incrementAndGet();
                node = (node + 1) % nodes.size(); // try the other node
            } catch (Exception | AssertionError e) {
                lastFailure = e;
            }
            if (!closed) {
                resumes.incrementAndGet();
                sleep(200);
            }
        }
    }

    /** Thrown by {@link #connection} when the node did not take the connection (refused, 503, ...). */
    static final class NodeUnreachable extends Exception {
        NodeUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    final void message(JsonObject m, String newCursor) {
        events.add(new Event(m.getJsonObject("data").getString("k"), Long.parseLong(m.getString("id")), false, System.nanoTime()));
        cursor = newCursor;
    }

    final void gap() {
        events.add(new Event(null, 0, true, System.nanoTime()));
    }

    final void cursor(String newCursor) {
        cursor = newCursor;
    }

    /** Stops reading (the connection stays open; the server's writes back up) until {@link #resume()}. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
    }

    /** Blocks the reading thread while paused. */
    final void awaitReading() throws InterruptedException {
        while (paused && !closed) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    final boolean isClosed() {
        return closed;
    }

    long messages() {
        return events.stream().filter(e -> !e.gap()).count();
    }

    Throwable lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        abort();
        thread.join(10_000);
    }

    @Override
    public String toString() {
        return name;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
