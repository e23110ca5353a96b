package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheMaximumWithTheHighestJitter() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.999999999);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            delays.add(b.nextDelayMillis());
        }
        assertThat(delays).containsExactly(99L, 199L, 399L, 799L, 999L, 999L, 999L);
    }

    @Test
    void theLowestJitterIsHalfTheCeiling() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0);
        assertThat(b.nextDelayMillis()).isEqualTo(50);
        assertThat(b.nextDelayMillis()).isEqualTo(100);
        assertThat(b.nextDelayMillis()).isEqualTo(200);
    }

    @Test
    void jitterStaysWithinHalfAndAllOfTheCeiling() {
        Random random = new Random(42);
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), random::nextDouble);
        List<Long> firsts = new ArrayList<>();
        for (int round = 0; round < 200; round++) {
            b.reset();
            for (int n = 0; n < 12; n++) {
                long ceiling = Math.min(30_000, 200L << n);
                long d = b.nextDelayMillis();
                assertThat(d).isBetween(ceiling / 2, ceiling);
                if (n == 0) {
                    firsts.add(d);
                }
            }
        }
        // jitter spreads clients out: the first delays are not all the same
        assertThat(firsts.stream().distinct().count()).isGreaterThan(20);
    }

    @Test
    void resetStartsOverAndCountsAttempts() {
        Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80), () -> 0.999999);
        b.nextDelayMillis();
        b.nextDelayMillis();
        b.nextDelayMillis();
        assertThat(b.attempts()).isEqualTo(3);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.nextDelayMillis()).isEqualTo(9);
    }

    @Test
    void doesNotOverflowAfterManyAttempts() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.5);
        long last = 0;
        for (int i = 0; i < 500; i++) {
            last = b.nextDelayMillis();
            assertThat(last).isBetween(1L, 30_000L);
        }
        assertThat(last).isEqualTo(22_500);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
