package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The default bus: one JVM, history in memory. A new instance has a new epoch, so cursors from
 * before a restart produce a gap instead of wrong data.
 *
 * <p>Each channel is guarded by its own lock; publishing assigns the position and appends to history
 * under that lock. Messages then reach the listeners outside it, one delivering thread per channel at
 * a time taking them in position order, which keeps every subscriber in publish order. A subscriber
 * that registers and then reads history may see a message both ways; sessions drop the second by
 * its position.
 */
final class MemoryBus implements MessageBus {
    private static final System.Logger LOG = System.getLogger(MemoryBus.class.getName());
    private final String epoch = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE), 36);
    private final int maxSize;
    private final long maxAgeMillis;
    private final Clock clock;
    private final Map<String, ChannelLog> channels = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;

    MemoryBus(BusContext context) {
        this.maxSize = context.historySize();
        this.maxAgeMillis = context.historyAge().toMillis();
        this.clock = context.clock();
        long every = Math.max(1000, Math.min(60_000, maxAgeMillis / 4));
        this.sweeper = context.scheduler().scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public Published publish(String channel, String event, String data, String idempotencyKey) {
        ChannelLog log = channels.computeIfAbsent(channel, ChannelLog::new);
        Message m;
        synchronized (log) {
            long now = clock.millis();
            log.expire(now);
            if (idempotencyKey != null) {
                Published first = log.keys.get(idempotencyKey);
                if (first != null) {
                    return new Published(channel, first.position(), true);
                }
            }
            m = new Message(channel, ++log.head, event, data, now);
            log.history.addLast(m);
            if (log.history.size() > maxSize) {
                log.history.removeFirst();
            }
            if (idempotencyKey != null) {
                log.keys.put(idempotencyKey, new Published(channel, m.position(), false));
                log.keyTimes.addLast(new KeyTime(idempotencyKey, now));
            }
            log.undelivered.add(m); // in position order: the lock orders the adds
        }
        log.deliver();
        return new Published(channel, m.position(), false);
    }

    @Override
    public HistoryPage read(String channel, String cursorEpoch, long after, int limit) {
        ChannelLog log = channels.get(channel);
        boolean otherEpoch = !epoch.equals(cursorEpoch);
        if (log == null) {
            return new HistoryPage(List.of(), otherEpoch, 0);
        }
        synchronized (log) {
            log.expire(clock.millis());
            long from = otherEpoch ? 0 : after;
            long oldest = log.history.isEmpty() ? log.head + 1 : log.history.peekFirst().position();
            boolean gap = otherEpoch || (from < log.head && oldest > from + 1);
            List<Message> page = new ArrayList<>(Math.min(limit, log.history.size()));
            // positions are contiguous, so the first wanted message is at index (from + 1 - oldest)
            long skip = Math.max(0, from + 1 - oldest);
            long newer = log.history.size() - skip;
            if (newer > 0 && newer <= limit) {
                // a reader near the head (the usual resume or poll): walk back from the newest
                Iterator<Message> back = log.history.descendingIterator();
                for (long i = 0; i < newer; i++) {
                    page.add(back.next());
                }
                java.util.Collections.reverse(page);
            } else {
                Iterator<Message> it = log.history.iterator();
                for (long i = 0; i < skip && it.hasNext(); i++) {
                    it.next();
                }
                while (it.hasNext() && page.size() < limit) {
                    page.add(it.next());
                }
            }
            return new HistoryPage(page, gap, log.head);
        }
    }

    @Override
    public long head(String channel) {
        ChannelLog log = channels.get(channel);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.head;
        }
    }

    @Override
    public BusSubscription subscribe(String channel, BusListener listener) {
        ChannelLog log = channels.computeIfAbsent(channel, ChannelLog::new);
        log.listeners.add(listener);
        return () -> log.listeners.remove(listener);
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        channels.clear();
    }

    /** Frees expired history of idle channels. Positions (the head) stay, so old cursors still see their gap. */
    private void sweep() {
        long now = clock.millis();
        for (ChannelLog log : channels.values()) {
            synchronized (log) {
                log.expire(now);
            }
        }
    }

    private record KeyTime(String key, long time) {
    }

    private final class ChannelLog {
        final ArrayDeque<Message> history = new ArrayDeque<>();
        final Set<BusListener> listeners = ConcurrentHashMap.newKeySet();
        /** Published, not yet handed to the listeners; added under the lock, so in position order. */
        final ConcurrentLinkedQueue<Message> undelivered = new ConcurrentLinkedQueue<>();
        /** One thread at a time hands messages to the listeners, which keeps every listener in publish order. */
        final AtomicBoolean delivering = new AtomicBoolean();
        final Map<String, Published> keys = new LinkedHashMap<>();
        final ArrayDeque<KeyTime> keyTimes = new ArrayDeque<>();
        long head;

        ChannelLog(String name) {
        }

        /**
         * Hands undelivered messages to the listeners, outside the channel's lock: a publisher that
         * finds another thread delivering leaves its message to it. The lock then only orders appends,
         * so history reads (every long-poll and resume) no longer wait while a message reaches
         * hundreds of listeners (the long-poll benchmark's lock profile).
         */
        void deliver() {
            while (!undelivered.isEmpty() && delivering.compareAndSet(false, true)) {
                try {
                    for (Message next = undelivered.poll(); next != null; next = undelivered.poll()) {
                        for (BusListener l : listeners) {
                            try {
                                l.onMessage(next);
                            } catch (RuntimeException e) { // one failing listener must not cost the others their message
                                LOG.log(System.Logger.Level.WARNING, "a listener of " + next.channel() + " failed", e);
                            }
                        }
                    }
                } finally {
                    delivering.set(false);
                }
                // loop: a message added after the last poll, by a publisher that saw us delivering, is ours to deliver
            }
        }

        void expire(long now) {
            long limit = now - maxAgeMillis;
            while (!history.isEmpty() && history.peekFirst().timestamp() <= limit) {
                history.removeFirst();
            }
            while (!keyTimes.isEmpty() && keyTimes.peekFirst().time() <= limit) {
                keys.remove(keyTimes.removeFirst().key());
            }
        }
    }
}
