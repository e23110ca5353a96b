package dev.realtime.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the in-memory bus keeps across all its channels (history, or idempotency keys), in the order
 * kept, bounded in bytes: past the bound the oldest goes first, whatever its channel. An item a
 * channel dropped by itself (trimmed, expired) is marked, stays counted until it leaves the front,
 * and is then skipped; so the bound covers everything the budget still references.
 */
final class ByteBudget<T extends ByteBudget.Item> {

    /** One kept thing and its estimated heap size. */
    abstract static class Item {
        final int bytes;
        /** Its channel no longer holds it: leaving the budget must not evict anything. */
        volatile boolean dropped;

        Item(int bytes) {
            this.bytes = bytes;
        }
    }

    private final ConcurrentLinkedQueue<T> order = new ConcurrentLinkedQueue<>();
    private final AtomicLong used = new AtomicLong();
    private final long max;

    ByteBudget(long max) {
        this.max = max;
    }

    /** Under the item's channel lock, so each channel's items stand in the budget in their channel's order. */
    void add(T item) {
        order.add(item);
        used.addAndGet(item.bytes);
    }

    /**
     * The oldest item still held by its channel, taken out of the budget because the budget is
     * exceeded (the caller drops it from its channel), or null once within the bound. Dropped items
     * at the front leave on the way.
     */
    T takeOverflow() {
        T first = order.peek();
        if (first == null || (!first.dropped && used.get() <= max)) {
            return null; // the usual publish: nothing to do, no lock
        }
        synchronized (this) {
            while (true) {
                first = order.peek();
                if (first == null || (!first.dropped && used.get() <= max)) {
                    return null;
                }
                order.poll();
                used.addAndGet(-first.bytes);
                if (!first.dropped) {
                    return first;
                }
            }
        }
    }

    long used() {
        return used.get();
    }

    long max() {
        return max;
    }
}
