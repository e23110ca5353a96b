package dev.realtime.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets: {@code rate} publishes per second with bursts of the same size. One bucket per
 * key (a client address for HTTP publishes); {@link #bucket()} makes a lone one (a WebSocket).
 */
public final class RateLimiter {
    private final int rate;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int rate) {
        this.rate = rate;
    }

    public boolean tryAcquire(String key, long nowNanos) {
        return buckets.computeIfAbsent(key, k -> bucket()).tryAcquire(nowNanos);
    }

    public Bucket bucket() {
        return new Bucket(rate);
    }

    /** Forgets buckets that have refilled: an idle client costs nothing. */
    public void sweep(long nowNanos) {
        buckets.values().removeIf(b -> b.isFull(nowNanos));
    }

    int size() {
        return buckets.size();
    }

    public static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last = Long.MIN_VALUE;

        Bucket(int rate) {
            this.capacity = rate;
            this.perNano = rate / 1e9;
            this.tokens = rate;
        }

        public synchronized boolean tryAcquire(long nowNanos) {
            refill(nowNanos);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized boolean isFull(long nowNanos) {
            refill(nowNanos);
            return tokens >= capacity;
        }

        private void refill(long now) {
            if (last != Long.MIN_VALUE) {
                tokens = Math.min(capacity, tokens + (now - last) * perNano);
            }
            last = now;
        }
    }
}
