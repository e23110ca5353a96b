package dev.realtime.internal.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Recent values (lags in milliseconds, latencies in microseconds) in log-scaled buckets, for
 * percentiles. Recording is one {@link LongAdder} increment, safe and cheap from any number of
 * threads. Values 0 to 7 have a bucket each; above, every power of two is split in four, so a
 * percentile is the middle of its bucket, within 12.5 % of the true value.
 *
 * <p>Only the recent past counts: values go to the current one of {@value #SLOTS} slots, and
 * {@link #rotate()} (every {@code ROTATE_SECONDS} by the engine's scheduler) clears the oldest slot and
 * records there from then on. Percentiles read every slot: the last 40 to 60 seconds.
 */
public final class Histogram {
    static final int SLOTS = 3;
    /** How often the engine rotates: three slots cover 40 to 60 seconds. */
    public static final long ROTATE_SECONDS = 20;
    /** Above 2^40 (12 days in milliseconds) values share the last bucket. */
    private static final int MAX_EXPONENT = 40;
    static final int BUCKETS = (MAX_EXPONENT - 1) * 4 + 4;
    private static final long MAX_VALUE = (1L << (MAX_EXPONENT + 1)) - 1;

    private final LongAdder[][] slots = new LongAdder[SLOTS][BUCKETS];
    private final LongAdder count = new LongAdder();
    private final LongAdder total = new LongAdder();
    private volatile int current;

    public Histogram() {
        for (LongAdder[] slot : slots) {
            for (int i = 0; i < BUCKETS; i++) {
                slot[i] = new LongAdder();
            }
        }
    }

    /** Records a value; negative values (clocks of two nodes disagreeing) count as 0. */
    public void record(long value) {
        long v = Math.max(0, Math.min(value, MAX_VALUE));
        slots[current][bucket(v)].increment();
        count.increment();
        total.add(v);
    }

    /** Values recorded since the start. */
    public long count() {
        return count.sum();
    }

    /** Sum of the values recorded since the start. */
    public long total() {
        return total.sum();
    }

    /** Forgets the oldest slot and records there from now on. */
    public void rotate() {
        int next = (current + 1) % SLOTS;
        for (LongAdder b : slots[next]) {
            b.reset();
        }
        current = next;
    }

    /**
     * The value below which a {@code fraction} of the recent values lie (0.5 for the median), as the
     * middle of its bucket; 0 when nothing was recorded recently.
     */
    public double percentile(double fraction) {
        long[] counts = new long[BUCKETS];
        long n = 0;
        for (LongAdder[] slot : slots) {
            for (int i = 0; i < BUCKETS; i++) {
                long c = slot[i].sum();
                counts[i] += c;
                n += c;
            }
        }
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return lowerBound(i) + (width(i) - 1) / 2.0;
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    static int bucket(long v) {
        if (v < 4) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        return (exponent - 1) * 4 + (int) ((v >> (exponent - 2)) & 3);
    }

    static long lowerBound(int bucket) {
        if (bucket < 4) {
            return bucket;
        }
        int exponent = bucket / 4 + 1;
        return (1L << exponent) + (bucket % 4) * (1L << (exponent - 2));
    }

    static long width(int bucket) {
        return bucket < 4 ? 1 : 1L << (bucket / 4 - 1);
    }
}
