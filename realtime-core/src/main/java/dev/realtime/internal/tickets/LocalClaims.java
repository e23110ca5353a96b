package dev.realtime.internal.tickets;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims kept in this node's memory, for a bus that keeps none ({@link dev.realtime.spi.Claim#NOT_SHARED}).
 * Only tickets whose signature and expiry passed get here, and each is remembered until it expires,
 * so the map holds at most the tickets issued within one validity.
 */
final class LocalClaims {
    private static final int SWEEP_EVERY = 1024;

    private final Clock clock;
    private final Map<String, Long> claimed = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    LocalClaims(Clock clock) {
        this.clock = clock;
    }

    /** True for the first claim of {@code key} while it is remembered (until {@code until}, epoch millis). */
    boolean claim(String key, long until) {
        long now = clock.millis();
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            claimed.values().removeIf(expiry -> expiry < now);
        }
        Long before = claimed.putIfAbsent(key, until);
        if (before != null && before < now) {
            return claimed.replace(key, before, until); // expired and not swept yet: claimable again (its ticket is expired anyway)
        }
        return before == null;
    }

    int size() {
        return claimed.size();
    }
}
