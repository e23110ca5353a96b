package dev.realtime.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Connections per address: the limit holds, under contention too, and an idle address is forgotten. */
class AddressCountsTest {

    @Test
    void anAddressIsHeldToItsLimitAndGetsASlotBackWhenOneEnds() {
        AddressCounts counts = new AddressCounts(2);
        assertThat(counts.take("10.0.0.1")).isTrue();
        assertThat(counts.take("10.0.0.1")).isTrue();
        assertThat(counts.take("10.0.0.1")).as("third from one address").isFalse();
        assertThat(counts.take("10.0.0.2")).as("another address has its own limit").isTrue();
        counts.release("10.0.0.1");
        assertThat(counts.take("10.0.0.1")).isTrue();
        assertThat(counts.count("10.0.0.1")).isEqualTo(2);
    }

    @Test
    void anAddressWhoseLastConnectionEndedIsForgotten() {
        AddressCounts counts = new AddressCounts(5);
        counts.take("10.0.0.1");
        counts.take("10.0.0.2");
        counts.release("10.0.0.1");
        assertThat(counts.addresses()).isEqualTo(1);
        counts.release("10.0.0.2");
        assertThat(counts.addresses()).isZero();
    }

    @Test
    void manyThreadsOpeningAndClosingAtOnceNeverPassTheLimitNorLoseACount() throws Exception {
        int limit = 3;
        AddressCounts counts = new AddressCounts(limit);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) { // the long-poll pattern: open, close, open again
                    if (counts.take("proxy")) {
                        mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                        held.decrementAndGet();
                        counts.release("proxy");
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(mostHeld.get()).as("never more than the limit at once").isLessThanOrEqualTo(limit);
        assertThat(counts.count("proxy")).as("every count given back").isZero();
        assertThat(counts.addresses()).isZero();
        for (int i = 0; i < limit; i++) {
            assertThat(counts.take("proxy")).as("the full limit is available again").isTrue();
        }
        assertThat(counts.take("proxy")).isFalse();
    }
}
