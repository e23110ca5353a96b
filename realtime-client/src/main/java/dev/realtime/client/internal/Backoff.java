package dev.realtime.client.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th consecutive delay (from 0) is drawn uniformly from
 * {@code [d/2, d]} where {@code d = min(max, initial * 2^n)}. {@link #reset()} after a success.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;
    private int attempt;

    public Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random returns values in {@code [0, 1)} */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive: " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public long nextDelayMillis() {
        long ceiling = ceilingMillis(attempt);
        if (attempt < 62) {
            attempt++;
        }
        double r = random.getAsDouble();
        return ceiling / 2 + (long) (r * (ceiling - ceiling / 2));
    }

    /** The upper bound of the delay for the given attempt number (from 0). */
    long ceilingMillis(int n) {
        if (n >= 62 || initialMillis > (maxMillis >> Math.min(n, 62))) {
            return maxMillis;
        }
        return Math.min(maxMillis, initialMillis << n);
    }

    /** The number of delays handed out since the last reset. */
    public int attempts() {
        return attempt;
    }

    public void reset() {
        attempt = 0;
    }
}
