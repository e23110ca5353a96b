package dev.realtime.it.redis;

import dev.realtime.it.support.FaultProxy;
import dev.realtime.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Network and process faults between two nodes and one real Redis, while messages flow on every
 * transport: each node reaches Redis through its own {@link FaultProxy}, and each scenario checks
 * that every acknowledged publish reaches every subscriber exactly once and in order (or, where
 * Redis truly lost its data, after one gap notice), that publishing answers {@code 503
 * bus_unavailable} within the timeout while Redis cannot be reached, that delivery resumes within
 * {@link FaultRun#RECOVERY_BOUND} after the fault, and that no library thread is left blocked.
 * The measured figures go to {@code target/fault-report.txt} (RELIABILITY.md).
 */
class RedisFaultIT {
    /** Longer than the nodes' {@code realtime.redis.timeout}, so commands time out during the fault. */
    private static final Duration OUTAGE = RedisNodes.REDIS_TIMEOUT.multipliedBy(2).plusSeconds(1);

    private static RedisServer redis;
    private static RedisNodes nodes;
    private static FaultProxy proxyA;
    private static FaultProxy proxyB;
    private static RedisNodes.Node a;
    private static RedisNodes.Node b;
    private FaultRun run;

    @BeforeAll
    static void startRedisProxiesAndNodes() {
        redis = RedisServer.startPersistentIfInstalled();
        if (redis != null) {
            proxyA = FaultProxy.start("a", "127.0.0.1", redis.port());
            proxyB = FaultProxy.start("b", "127.0.0.1", redis.port());
            // this Redis keeps every acknowledged write (appendfsync always) and has no replica: a restart keeps the epoch
            nodes = new RedisNodes(redis.uri(), "faults" + Long.toString(System.nanoTime(), 36) + ":",
                    java.util.Map.of("realtime.redis.durable", "true"));
            a = nodes.start("a", "redis://127.0.0.1:" + proxyA.port());
            b = nodes.start("b", "redis://127.0.0.1:" + proxyB.port());
        }
    }

    @AfterAll
    static void stopAll() {
        for (AutoCloseable c : new AutoCloseable[]{a, b, nodes, proxyA, proxyB, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    @BeforeEach
    void redisIsThere() {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
    }

    @AfterEach
    void endTraffic() throws InterruptedException {
        proxyA.restore();
        proxyB.restore();
        if (run != null) {
            run.close();
        }
    }

    @Test
    void everyConnectionToRedisReset() throws Exception {
        run = traffic("connections reset (RST)");
        run.faultBegins();
        proxyA.reset();
        proxyB.reset();
        run.faultEnds();
        assertNothingLost(run.finish(x -> true));
    }

    @Test
    void redisUnreachableLongerThanTheTimeout() throws Exception {
        run = traffic("Redis unreachable (connections cut)");
        run.faultBegins();
        proxyA.cut();
        proxyB.cut();
        Thread.sleep(OUTAGE.toMillis());
        proxyA.restore();
        proxyB.restore();
        run.faultEnds();
        FaultRun.Result result = run.finish(x -> true);
        assertThat(result.refusals()).as("publishes refused while Redis could not be reached").isPositive();
        assertNothingLost(result);
    }

    @Test
    void blackHoleLongerThanTheTimeout() throws Exception {
        run = traffic("black hole (bytes held, no RST)");
        run.faultBegins();
        proxyA.blackHole();
        proxyB.blackHole();
        Thread.sleep(OUTAGE.toMillis());
        proxyA.restore();
        proxyB.restore();
        run.faultEnds();
        FaultRun.Result result = run.finish(x -> true);
        assertThat(result.refusals()).as("publishes refused (timed out) during the black hole").isPositive();
        assertNothingLost(result);
    }

    @Test
    void halfOpenConnectionsToRedis() throws Exception {
        run = traffic("half-open connections (peer gone)");
        run.faultBegins();
        proxyA.halfOpen();
        proxyB.halfOpen();
        run.faultEnds(); // the connections stay dead: the nodes must notice by themselves
        assertNothingLost(run.finish(x -> true));
    }

    @Test
    void halfOpenOnOneNodeOnly() throws Exception {
        run = traffic("half-open connections of node B");
        run.faultBegins();
        proxyB.halfOpen();
        run.faultEnds();
        assertNothingLost(run.finish(x -> true));
    }

    @Test
    void halfASecondOfLatency() throws Exception {
        run = traffic("500 ms latency each way");
        run.faultBegins();
        proxyA.latency(Duration.ofMillis(500));
        proxyB.latency(Duration.ofMillis(500));
        Thread.sleep(OUTAGE.toMillis());
        proxyA.restore();
        proxyB.restore();
        run.faultEnds();
        assertNothingLost(run.finish(x -> true));
    }

    @Test
    void narrowBandwidth() throws Exception {
        run = traffic("bandwidth 4 KB/s each way");
        run.faultBegins();
        proxyA.bandwidth(4096);
        proxyB.bandwidth(4096);
        Thread.sleep(OUTAGE.toMillis());
        proxyA.restore();
        proxyB.restore();
        run.faultEnds();
        assertNothingLost(run.finish(x -> true));
    }

    @Test
    void redisKilledAndRestartedWithItsData() throws Exception {
        run = traffic("Redis kill -9, restart with AOF");
        run.faultBegins();
        redis.kill();
        Thread.sleep(OUTAGE.toMillis());
        redis.start();
        run.faultEnds();
        FaultRun.Result result = run.finish(x -> true);
        assertThat(result.refusals()).as("publishes refused while Redis was down").isPositive();
        assertNothingLost(result);
    }

    @Test
    void redisKilledAndRestartedWithoutItsData() throws Exception {
        run = traffic("Redis kill -9, restart empty");
        run.faultBegins();
        redis.kill();
        long lost = System.nanoTime();
        redis.deleteData();
        Thread.sleep(OUTAGE.toMillis());
        redis.start();
        run.faultEnds();
        FaultRun.Result result = run.finish(attempt -> attempt.startNanos() > lost);
        result.report();
        assertPublishingAnsweredInTime(result);
        List<String> problems = new ArrayList<>();
        for (Subscriber s : run.subscribers) {
            result.check.oneGapThenEverything(s, lost, lost).forEach(p -> problems.add(s + ": " + p));
        }
        assertThat(problems).as("one gap notice, then every message published after the restart" + run.describe()).isEmpty();
        assertNoLibraryThreadStuck();
    }

    @Test
    void aNodeKilledMidStream() throws Exception {
        NodeProcess c = nodes.startProcess("c", "redis://127.0.0.1:" + proxyA.port());
        try {
            // node C's clients resume on B; B's clients stay
            run = new FaultRun("node kill -9, its clients move", List.of(c.base, b.base), List.of(b.base, a.base));
            run.awaitFlowing();
            run.faultBegins();
            c.kill();
            run.publisherGone(0);
            run.faultEnds();
            FaultRun.Result result = run.finish(x -> true);
            assertThat(run.byHome.get(0)).as("every client of the killed node resumed elsewhere")
                    .allMatch(s -> s.resumes.get() > 0);
            assertNothingLost(result);
        } finally {
            c.kill();
        }
    }

    /** Traffic on both nodes, flowing. */
    private FaultRun traffic(String scenario) {
        FaultRun r = new FaultRun(scenario, List.of(a.base, b.base), List.of(b.base, a.base));
        r.awaitFlowing();
        return r;
    }

    private void assertNothingLost(FaultRun.Result result) throws Exception {
        result.report();
        assertPublishingAnsweredInTime(result);
        List<String> problems = new ArrayList<>();
        for (Subscriber s : run.subscribers) {
            result.check.everyMessageOnceInOrder(s).forEach(p -> problems.add(s + ": " + p));
            if (s instanceof WsSubscriber ws) {
                ws.unexpected.forEach(f -> problems.add(s + ": unexpected frame " + f));
            }
        }
        assertThat(problems).as("every acknowledged message, once, in order, no gap" + run.describe()).isEmpty();
        assertThat(result.recoveryMillis).as("every subscriber receives again within the documented bound")
                .isLessThan(FaultRun.RECOVERY_BOUND.toMillis());
        assertNoLibraryThreadStuck();
    }

    private static void assertPublishingAnsweredInTime(FaultRun.Result result) {
        assertThat(result.otherRefusals()).as("a publish is refused only with 503 bus_unavailable").isEmpty();
        assertThat(result.slowestAnswerMillis).as("every publish is answered within the bus timeout (never hangs)")
                .isLessThan(RedisNodes.REDIS_TIMEOUT.plus(FaultRun.ANSWER_MARGIN).toMillis());
    }

    /**
     * Once the traffic is over, no thread of the nodes (both run in this JVM) is still inside a Redis
     * call or blocked on a lock of the library: a fault must not leave a thread behind.
     */
    static void assertNoLibraryThreadStuck() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<Thread, StackTraceElement[]> stuck;
        do {
            stuck = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> isStuck(e.getKey(), e.getValue()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            if (stuck.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        StringBuilder b = new StringBuilder();
        stuck.forEach((t, trace) -> {
            b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : trace) {
                b.append("    at ").append(e).append('\n');
            }
        });
        throw new AssertionError("threads still busy in the library 10 s after the traffic ended:\n" + b);
    }

    private static boolean isStuck(Thread t, StackTraceElement[] trace) {
        boolean inLibrary = false;
        for (StackTraceElement e : trace) {
            inLibrary |= e.getClassName().startsWith("dev.realtime.") && !e.getClassName().startsWith("dev.realtime.it.");
        }
        return inLibrary && (t.getState() == Thread.State.BLOCKED || t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
    }
}
