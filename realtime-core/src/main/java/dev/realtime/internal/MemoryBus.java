package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveBus;
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
import java.util.concurrent.atomic.AtomicLongArray;
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
 *
 * <p>Bounded whatever clients do (issue 21): history by count and age per channel and in bytes
 * across all channels ({@link ByteBudget}, oldest first); idempotency keys likewise; and a channel
 * with no listener, history or key is released. Its head is remembered only as a floor shared by
 * the channels of its {@link #floorSlot slot}, where the channel starts if it is used again: so a
 * position is never handed out twice, and an old cursor still sees its gap.
 */
final class MemoryBus implements MessageBus {
    private static final System.Logger LOG = System.getLogger(MemoryBus.class.getName());
    /** Estimated heap per retained message beyond its text (objects, deque and budget slots). */
    private static final int MESSAGE_OVERHEAD = 200;
    /** Estimated heap per idempotency key beyond its text (map entry, record, budget slot). */
    private static final int KEY_OVERHEAD = 160;
    private static final int FLOOR_SLOTS = 4096;
    private final String epoch = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, Long.MAX_VALUE), 36);
    private final int maxSize;
    private final long maxAgeMillis;
    private final int maxKeys;
    private final Clock clock;
    private final Map<String, ChannelLog> channels = new ConcurrentHashMap<>();
    private final ByteBudget<Kept> history;
    private final ByteBudget<Key> keys;
    /** Highest head of a released channel, per slot of channel names: where a channel of that slot starts again. */
    private final AtomicLongArray floors = new AtomicLongArray(FLOOR_SLOTS);
    private final ScheduledFuture<?> sweeper;
    /** Wildcard listeners (protocol 1.1). */
    private final PatternListeners<BusListener> patterns = new PatternListeners<>();
    private final MemoryLive live;

    MemoryBus(BusContext context) {
        this.maxSize = context.historySize();
        this.maxAgeMillis = context.historyAge().toMillis();
        this.maxKeys = context.idempotencyMaxKeys();
        this.history = new ByteBudget<>(context.historyMaxBytes());
        this.keys = new ByteBudget<>(context.idempotencyMaxBytes());
        this.clock = context.clock();
        long every = Math.max(1000, Math.min(60_000, maxAgeMillis / 4));
        this.sweeper = context.scheduler().scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        this.live = new MemoryLive(clock);
    }

    @Override
    public LiveBus live() {
        return live;
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public Published publish(String channel, String event, String data, String idempotencyKey) {
        while (true) {
            ChannelLog log = channels.computeIfAbsent(channel, ChannelLog::new);
            Message m;
            synchronized (log) {
                if (log.released) {
                    continue; // released meanwhile: use the channel's next log
                }
                long now = clock.millis();
                log.expire(now);
                if (idempotencyKey != null) {
                    Key first = log.keys.get(idempotencyKey);
                    if (first != null) {
                        return new Published(channel, first.position, true);
                    }
                }
                m = new Message(channel, ++log.head, event, data, now);
                Kept kept = new Kept(log, m);
                log.history.addLast(kept);
                history.add(kept);
                if (log.history.size() > maxSize) {
                    log.history.removeFirst().dropped = true;
                }
                if (idempotencyKey != null) {
                    Key key = new Key(log, idempotencyKey, m.position(), now);
                    log.keys.put(idempotencyKey, key);
                    keys.add(key);
                    if (log.keys.size() > maxKeys) {
                        log.dropOldestKey();
                    }
                }
                log.undelivered.add(m); // in position order: the lock orders the adds
            }
            evictOverBudget();
            log.deliver();
            return new Published(channel, m.position(), false);
        }
    }

    /** Drops the oldest history and keys, across channels, until both are within their byte bounds. */
    private void evictOverBudget() {
        for (Kept k = history.takeOverflow(); k != null; k = history.takeOverflow()) {
            ChannelLog log = k.log;
            synchronized (log) {
                // its channel's older messages may still be there (another thread evicting them): they go first
                while (!k.dropped && !log.history.isEmpty()) {
                    log.history.removeFirst().dropped = true;
                }
                log.releaseIfIdle();
            }
        }
        for (Key k = keys.takeOverflow(); k != null; k = keys.takeOverflow()) {
            ChannelLog log = k.log;
            synchronized (log) {
                while (!k.dropped && !log.keys.isEmpty()) {
                    log.dropOldestKey();
                }
                log.releaseIfIdle();
            }
        }
    }

    @Override
    public HistoryPage read(String channel, String cursorEpoch, long after, int limit) {
        ChannelLog log = channels.get(channel);
        boolean otherEpoch = !epoch.equals(cursorEpoch);
        if (log == null) {
            // released or never used: nothing retained; a position below the floor may have lost messages
            long floor = floor(channel);
            return new HistoryPage(List.of(), otherEpoch || after < floor, floor);
        }
        synchronized (log) {
            log.expire(clock.millis());
            long from = otherEpoch ? 0 : after;
            long oldest = log.history.isEmpty() ? log.head + 1 : log.history.peekFirst().message.position();
            boolean gap = otherEpoch || (from < log.head && oldest > from + 1);
            List<Message> page = new ArrayList<>(Math.min(limit, log.history.size()));
            // positions are contiguous, so the first wanted message is at index (from + 1 - oldest)
            long skip = Math.max(0, from + 1 - oldest);
            long newer = log.history.size() - skip;
            if (newer > 0 && newer <= limit) {
                // a reader near the head (the usual resume or poll): walk back from the newest
                Iterator<Kept> back = log.history.descendingIterator();
                for (long i = 0; i < newer; i++) {
                    page.add(back.next().message);
                }
                java.util.Collections.reverse(page);
            } else {
                Iterator<Kept> it = log.history.iterator();
                for (long i = 0; i < skip && it.hasNext(); i++) {
                    it.next();
                }
                while (it.hasNext() && page.size() < limit) {
                    page.add(it.next().message);
                }
            }
            return new HistoryPage(page, gap, log.head);
        }
    }

    @Override
    public long head(String channel) {
        ChannelLog log = channels.get(channel);
        if (log == null) {
            return floor(channel);
        }
        synchronized (log) {
            return log.head;
        }
    }

    @Override
    public BusSubscription subscribe(String channel, BusListener listener) {
        while (true) {
            ChannelLog log = channels.computeIfAbsent(channel, ChannelLog::new);
            synchronized (log) {
                if (log.released) {
                    continue;
                }
                log.listeners.add(listener);
            }
            return () -> {
                synchronized (log) {
                    log.listeners.remove(listener);
                    log.releaseIfIdle();
                }
            };
        }
    }

    @Override
    public BusSubscription subscribe(ChannelPattern pattern, BusListener listener) {
        return patterns.add(pattern, listener);
    }

    @Override
    public List<String> channelsActiveSince(ChannelPattern pattern, long sinceMillis, int limit) {
        List<String> active = new ArrayList<>();
        for (ChannelLog log : channels.values()) {
            if (!pattern.matches(log.name)) {
                continue;
            }
            synchronized (log) {
                log.expire(clock.millis());
                if (!log.history.isEmpty() && log.history.peekLast().message.timestamp() >= sinceMillis) {
                    active.add(log.name);
                }
            }
            if (active.size() > limit) {
                break;
            }
        }
        return active;
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        channels.clear();
        patterns.clear();
        live.close();
    }



    /** Channels holding state (for tests and {@link #toString()}). */
    int channelCount() {
        return channels.size();
    }

    /** Estimated bytes of history kept, within {@code realtime.history.maxBytes}. */
    long historyBytes() {
        return history.used();
    }

    /** Estimated bytes of idempotency keys kept, within {@code realtime.idempotency.maxBytes}. */
    long keyBytes() {
        return keys.used();
    }

    @Override
    public String toString() {
        return "MemoryBus[epoch " + epoch + ", " + channels.size() + " channels, history " + history.used() + " of "
                + history.max() + " bytes, keys " + keys.used() + " of " + keys.max() + " bytes]";
    }

    /** Frees expired history and releases idle channels. */
    private void sweep() {
        for (ChannelLog log : channels.values()) {
            synchronized (log) {
                log.releaseIfIdle(); // expires first
            }
        }
    }

    /** Channel names share floors by slot: a fixed array, whatever the number of names ever used. */
    private int floorSlot(String channel) {
        int h = channel.hashCode();
        return (h ^ (h >>> 16)) & (FLOOR_SLOTS - 1);
    }

    private long floor(String channel) {
        return floors.get(floorSlot(channel));
    }

    /** A retained message, as the channel and the byte budget hold it. */
    private static final class Kept extends ByteBudget.Item {
        final ChannelLog log;
        final Message message;

        Kept(ChannelLog log, Message m) {
            // the payload and the JSON form sessions compute from it, each about one byte a character
            super(2 * (m.data().length() + m.channel().length() + m.event().length()) + MESSAGE_OVERHEAD);
            this.log = log;
            this.message = m;
        }
    }

    /** An idempotency key and the position its first publish got. */
    private static final class Key extends ByteBudget.Item {
        final ChannelLog log;
        final String key;
        final long position;
        final long time;

        Key(ChannelLog log, String key, long position, long time) {
            super(2 * key.length() + KEY_OVERHEAD);
            this.log = log;
            this.key = key;
            this.position = position;
            this.time = time;
        }
    }

    private final class ChannelLog {
        final String name;
        final ArrayDeque<Kept> history = new ArrayDeque<>();
        /** Changed under the log's lock; read by the delivering thread without it. */
        final Set<BusListener> listeners = ConcurrentHashMap.newKeySet();
        /** Published, not yet handed to the listeners; added under the lock, so in position order. */
        final ConcurrentLinkedQueue<Message> undelivered = new ConcurrentLinkedQueue<>();
        /** One thread at a time hands messages to the listeners, which keeps every listener in publish order. */
        final AtomicBoolean delivering = new AtomicBoolean();
        /** In the order first used, so the oldest comes first. */
        final LinkedHashMap<String, Key> keys = new LinkedHashMap<>();
        long head;
        /** Out of the map: a publisher or subscriber that still found it takes the channel's next log. */
        boolean released;

        ChannelLog(String name) {
            this.name = name;
            this.head = floor(name);
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
                        Message m = next; // same thread, same order: each channel's messages stay in publish order
                        patterns.forEachMatch(m.channel(), l -> l.onMessage(m));
                    }
                } finally {
                    delivering.set(false);
                }
                // loop: a message added after the last poll, by a publisher that saw us delivering, is ours to deliver
            }
        }

        /** Under the lock. */
        void expire(long now) {
            long limit = now - maxAgeMillis;
            while (!history.isEmpty() && history.peekFirst().message.timestamp() <= limit) {
                history.removeFirst().dropped = true;
            }
            while (!keys.isEmpty() && keys.values().iterator().next().time <= limit) {
                dropOldestKey();
            }
        }

        /** Under the lock. */
        void dropOldestKey() {
            Iterator<Key> oldest = keys.values().iterator();
            oldest.next().dropped = true;
            oldest.remove();
        }

        /**
         * Under the lock: a channel nobody listens to, with nothing retained, leaves the map. Its head
         * stays as its slot's floor first, so the channel's next log never reuses a position.
         */
        void releaseIfIdle() {
            expire(clock.millis());
            if (!released && listeners.isEmpty() && history.isEmpty() && keys.isEmpty() && undelivered.isEmpty()) {
                released = true;
                floors.accumulateAndGet(floorSlot(name), head, Math::max);
                channels.remove(name, this);
            }
        }
    }
}
