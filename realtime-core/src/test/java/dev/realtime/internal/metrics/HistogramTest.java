package dev.realtime.internal.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HistogramTest {

    @Test
    void everyValueFallsInABucketThatHoldsIt() {
        for (long v = 0; v < 100_000; v++) {
            int b = Histogram.bucket(v);
            assertThat(Histogram.lowerBound(b)).as("lower bound of %d", v).isLessThanOrEqualTo(v);
            assertThat(Histogram.lowerBound(b) + Histogram.width(b)).as("upper bound of %d", v).isGreaterThan(v);
        }
        for (int b = 0; b + 1 < Histogram.BUCKETS; b++) {
            assertThat(Histogram.lowerBound(b) + Histogram.width(b)).as("bucket %d ends where %d starts", b, b + 1)
                    .isEqualTo(Histogram.lowerBound(b + 1));
        }
        assertThat(Histogram.bucket(Long.MAX_VALUE >> 22)).isEqualTo(Histogram.BUCKETS - 1);
    }

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        LongStream.rangeClosed(0, 7).forEach(h::record);
        assertThat(h.percentile(0.5)).isEqualTo(3);
        assertThat(h.percentile(1.0)).isEqualTo(7);
        assertThat(h.percentile(0.01)).isEqualTo(0);
        assertThat(h.count()).isEqualTo(8);
        assertThat(h.total()).isEqualTo(28);
    }

    @Test
    void percentilesAreWithinTheBucketErrorOfTheTrueOnes() {
        Histogram h = new Histogram();
        Random random = new Random(11);
        long[] values = new long[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * 12); // 1 to 160,000, log-uniform
            h.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double p : new double[]{0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(p * values.length) - 1];
            assertThat(h.percentile(p)).as("p%s", p * 100).isCloseTo(exact, within(Math.max(1, exact * 0.125)));
        }
    }

    @Test
    void negativeValuesCountAsZeroAndHugeOnesInTheLastBucket() {
        Histogram h = new Histogram();
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertThat(h.percentile(0.5)).isEqualTo(0);
        assertThat(h.percentile(1)).isGreaterThan(1e12);
    }

    @Test
    void onlyTheLastThreeSlotsCount() {
        Histogram h = new Histogram();
        h.record(1000);
        assertThat(h.percentile(0.5)).isCloseTo(1000, within(125.0));
        h.rotate();
        h.record(10);
        h.rotate();
        assertThat(h.percentile(1.0)).as("two rotations later the 1000 still counts").isCloseTo(1000, within(125.0));
        h.rotate();
        assertThat(h.percentile(1.0)).as("three rotations later it is forgotten").isCloseTo(10, within(1.25));
        h.rotate();
        assertThat(h.percentile(0.5)).as("nothing recent").isZero();
        assertThat(h.count()).as("the count is since the start").isEqualTo(2);
    }

    @Test
    void concurrentRecordsAreAllCounted() throws InterruptedException {
        Histogram h = new Histogram();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record(i % 50);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(h.count()).isEqualTo(400_000);
        assertThat(h.percentile(0.5)).isCloseTo(24.5, within(3.0));
    }
}
