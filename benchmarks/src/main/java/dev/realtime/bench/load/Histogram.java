package dev.realtime.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrent log-linear histogram of microsecond values: exact below 1,024 µs, then 512 buckets per
 * power of two (under 0.2 % error). Enough for latency percentiles without a dependency.
 */
final class Histogram {
    private static final int SUB = 512;
    private final AtomicLongArray counts = new AtomicLongArray(1024 + 54 * SUB);
    private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();

    void record(long micros) {
        long v = Math.max(0, micros);
        counts.incrementAndGet(index(v));
        total.incrementAndGet();
        long m;
        while (v > (m = max.get()) && !max.compareAndSet(m, v)) {
            // retry
        }
    }

    long count() {
        return total.get();
    }

    long max() {
        return max.get();
    }

    /** The value at quantile q (0..1), in microseconds; 0 when empty. */
    long percentile(double q) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(upper(i), max.get());
            }
        }
        return max.get();
    }

    private static int index(long v) {
        if (v < 1024) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= 10
        int shift = exp - 9;
        return 1024 + (exp - 10) * SUB + (int) ((v >>> shift) - SUB);
    }

    private static long upper(int i) {
        if (i < 1024) {
            return i;
        }
        int exp = (i - 1024) / SUB + 10;
        long sub = (i - 1024) % SUB + SUB;
        int shift = exp - 9;
        return ((sub + 1) << shift) - 1;
    }
}
