package dev.realtime.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Token buckets on a given clock: a burst of {@code rate}, then {@code rate} per second. */
class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstOfRateIsAllowedThenRefusedUntilTokensRefill() {
        RateLimiter limiter = new RateLimiter(3);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a", 0)).as("publish %d of the burst", i).isTrue();
        }
        assertThat(limiter.tryAcquire("a", 0)).isFalse();
        assertThat(limiter.tryAcquire("a", SECOND / 3 - 1)).as("not yet one token back").isFalse();
        assertThat(limiter.tryAcquire("a", SECOND / 3 + 1)).isTrue();
    }

    @Test
    void eachKeyHasItsOwnBucket() {
        RateLimiter limiter = new RateLimiter(1);
        assertThat(limiter.tryAcquire("a", 0)).isTrue();
        assertThat(limiter.tryAcquire("a", 0)).isFalse();
        assertThat(limiter.tryAcquire("b", 0)).isTrue();
    }

    @Test
    void aRefilledBucketIsNeverFullerThanItsBurst() {
        RateLimiter.Bucket bucket = new RateLimiter(2).bucket();
        assertThat(bucket.tryAcquire(0)).isTrue();
        for (int i = 0; i < 2; i++) {
            assertThat(bucket.tryAcquire(100 * SECOND)).isTrue();
        }
        assertThat(bucket.tryAcquire(100 * SECOND)).as("idle time does not bank more than the burst").isFalse();
    }

    @Test
    void sweepForgetsOnlyRefilledBuckets() {
        RateLimiter limiter = new RateLimiter(2);
        limiter.tryAcquire("idle", 0);
        limiter.tryAcquire("busy", SECOND);
        limiter.sweep(SECOND);
        assertThat(limiter.size()).as("idle refilled within the second, busy did not").isEqualTo(1);
        assertThat(limiter.tryAcquire("busy", SECOND)).as("the kept bucket keeps its count").isTrue();
        assertThat(limiter.tryAcquire("busy", SECOND)).isFalse();
    }
}
