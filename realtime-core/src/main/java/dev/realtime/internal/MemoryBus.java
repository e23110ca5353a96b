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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The default bus: one JVM, history in memory. A new instance has a new epoch, so cursors from
 * before a restart produce a gap instead of wrong data.
 *
 * <p>Each channel is guarded by its own lock; publishing assigns the position, appends to history and
 * hands the message to every listener under that lock, which is what keeps every subscriber in
 * publish order. Listeners only enqueue, so the lock is held briefly.
 */
final class MemoryBus implements MessageBus {
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
        synchronized (log) {
            long now = clock.millis();
            log.expire(now);
            if (idempotencyKey != null) {
                Published first = log.keys.get(idempotencyKey);
                if (first != null) {
                    return new Published(channel, first.position(), true);
                }
            }
            Message m = new Message(channel, ++log.head, event, data, now);
            log.history.addLast(m);
            if (log.history.size() > maxSize) {
                log.history.removeFirst();
            }
            Published result = new Published(channel, m.position(), false);
            if (idempotencyKey != null) {
                log.keys.put(idempotencyKey, result);
                log.keyTimes.addLast(new KeyTime(idempotencyKey, now));
            }
            for (BusListener l : log.listeners) {
                l.onMessage(m);
            }
            return result;
        }
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
        final Map<String, Published> keys = new LinkedHashMap<>();
        final ArrayDeque<KeyTime> keyTimes = new ArrayDeque<>();
        long head;

        ChannelLog(String name) {
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
