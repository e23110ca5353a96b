package dev.realtime.bench.load;

import java.net.http.HttpClient;
import java.util.BitSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** One subscriber connection of the generator. Counts every seq it receives once (duplicates apart). */
abstract class Client {
    final Target target;
    final HttpClient http;
    final ScheduledExecutorService timer;
    private final BitSet seen = new BitSet();
    volatile Phase phase;
    volatile boolean stopped;
    volatile boolean reconnect;
    volatile boolean connected;
    volatile String cursor;
    /** Storm: when this client had every message up to one published after the drop, and when it reconnected. */
    volatile long caughtUpNanos;
    volatile long reconnectedNanos;
    /** The channel this client subscribes to; null: {@link Target#CHANNEL}. */
    volatile String channel;
    /**
     * Keep-alive traffic received: WebSocket pings, SSE comment lines, long-poll answers without a
     * message (a held poll that reached its timeout).
     */
    final java.util.concurrent.atomic.AtomicInteger heartbeats = new java.util.concurrent.atomic.AtomicInteger();
    /** Closes or failed requests seen since the client was created (the capacity hold). */
    final java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();

    Client(Target target, HttpClient http, ScheduledExecutorService timer) {
        this.target = target;
        this.http = http;
        this.timer = timer;
    }

    abstract String transport();

    abstract void connect();

    /** Closes the connection without a reconnect. */
    abstract void stop();

    void onMessage(long seq, long sentNanos, long now) {
        Phase p = phase;
        boolean fresh;
        int contiguous = -1;
        synchronized (seen) {
            fresh = !seen.get((int) seq);
            seen.set((int) seq);
            if (p != null && seq > p.dropSeq && caughtUpNanos == 0) {
                contiguous = seen.nextClearBit((int) p.firstSeq);
            }
        }
        if (p == null || seq < p.firstSeq) {
            return;
        }
        if (!fresh) {
            p.duplicates.increment();
            return;
        }
        p.deliveries.increment();
        p.latency.record((now - sentNanos) / 1000);
        if (contiguous > seq) { // holds every message up to this one, published after the drop
            caughtUpNanos = now;
        }
    }

    /** Distinct seqs in [from, to) this client received. */
    int received(long from, long to) {
        synchronized (seen) {
            return seen.get((int) from, (int) to).cardinality();
        }
    }

    void onConnected() {
        if (!connected) {
            connected = true;
            Phase p = phase;
            if (p != null && p.dropNanos != 0 && reconnectedNanos == 0) {
                reconnectedNanos = System.nanoTime();
            }
        }
    }

    void onDisconnected() {
        connected = false;
        drops.incrementAndGet();
        Phase p = phase;
        if (p != null) {
            p.disconnects.increment();
        }
        if (reconnect && !stopped) {
            timer.schedule(this::connect, ThreadLocalRandom.current().nextInt(0, 100), TimeUnit.MILLISECONDS);
        }
    }

    /** Reads {@code "seq":N,"t":T} occurrences of one frame or answer; returns the index after the last. */
    final void readPayloads(String text, long now) {
        int i = 0;
        while ((i = text.indexOf("\"seq\":", i)) >= 0) {
            i += 6;
            int end = i;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            long seq = Long.parseLong(text, i, end, 10);
            int t = text.indexOf("\"t\":", end) + 4;
            int tEnd = t;
            while (tEnd < text.length() && (Character.isDigit(text.charAt(tEnd)) || text.charAt(tEnd) == '-')) {
                tEnd++;
            }
            onMessage(seq, Long.parseLong(text, t, tEnd, 10), now);
            i = tEnd;
        }
    }

    /** The value of {@code "cursor":"..."} (the last one), or null. */
    static String cursorOf(String text) {
        int i = text.lastIndexOf("\"cursor\":\"");
        if (i < 0) {
            return null;
        }
        i += 10;
        return text.substring(i, text.indexOf('"', i));
    }
}
