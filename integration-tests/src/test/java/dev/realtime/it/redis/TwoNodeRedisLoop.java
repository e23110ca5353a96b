package dev.realtime.it.redis;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@link TwoNodeRedisIT#redisKilledAndRestartedDuringAStream} N times in one JVM, only when asked
 * (issue 13's loop, RELIABILITY.md): {@code -Drealtime.loop.runs=50
 * -Dit.test=TwoNodeRedisLoop#redisKilledAndRestartedRepeatedly}. Each run is a test of its own in
 * the failsafe report, on a fresh channel, against the same two nodes and Redis. Its name does not
 * end in IT, so the default build does not list it (with the parent's tests) as skipped.
 */
@EnabledIfSystemProperty(named = "realtime.loop.runs", matches = "[1-9][0-9]*")
class TwoNodeRedisLoop extends TwoNodeRedisIT {

    @TestFactory
    Stream<DynamicTest> redisKilledAndRestartedRepeatedly() {
        int runs = Integer.getInteger("realtime.loop.runs");
        return IntStream.rangeClosed(1, runs).mapToObj(n -> DynamicTest.dynamicTest("run " + n + " of " + runs, () -> {
            if (!redis.isRunning()) { // a failed run may have left Redis down; the next one starts from a running Redis
                redis.start();
            }
            connect();
            long start = System.nanoTime();
            try {
                redisKilledAndRestartedDuringAStream();
            } finally {
                closeClients();
                System.out.printf("loop run %d of %d: %d ms%n", n, runs, (System.nanoTime() - start) / 1_000_000);
            }
        }));
    }
}
