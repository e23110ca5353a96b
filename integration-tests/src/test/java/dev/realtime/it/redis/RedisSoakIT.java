package dev.realtime.it.redis;

import dev.realtime.it.support.FaultProxy;
import dev.realtime.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak (issue 13), not part of the default build: {@code -Drealtime.soak.minutes=30} runs mixed
 * traffic over every transport and two nodes for that long, with a fault every
 * {@code realtime.soak.faultSeconds} (default 60) from {@link #FAULTS} in turn, and reports
 * acknowledged against delivered messages, duplicates, gaps, stalls (a subscriber that received
 * nothing for longer than {@link FaultRun#RECOVERY_BOUND} while messages were acknowledged), and the
 * heap and threads at the end, in {@code target/soak-report.txt} (RELIABILITY.md has the last run).
 * Redis keeps its data (AOF), so no gap is allowed.
 */
class RedisSoakIT {
    private static final List<String> FAULTS = List.of("reset", "cut", "black hole", "half-open", "latency 500 ms",
            "bandwidth 4 KB/s", "Redis kill -9 and restart");
    private static final Duration FAULT_LENGTH = Duration.ofSeconds(5);

    private static RedisServer redis;
    private static RedisNodes nodes;
    private static FaultProxy proxyA;
    private static FaultProxy proxyB;
    private static RedisNodes.Node a;
    private static RedisNodes.Node b;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Integer.getInteger("realtime.soak.minutes", 0) > 0,
                "the soak runs only when asked: -Drealtime.soak.minutes=30");
        // -Dit.test selects it in the no-micrometer execution too: once is the soak asked for
        Assumptions.assumeFalse(Boolean.getBoolean("realtime.it.noMicrometer"), "the soak runs in the default execution only");
        redis = RedisServer.startPersistentIfInstalled();
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        proxyA = FaultProxy.start("a", "127.0.0.1", redis.port());
        proxyB = FaultProxy.start("b", "127.0.0.1", redis.port());
        // this Redis keeps every acknowledged write (appendfsync always) and has no replica: a restart keeps the epoch
        nodes = new RedisNodes(redis.uri(), "soak" + Long.toString(System.nanoTime(), 36) + ":",
                Map.of("realtime.redis.durable", "true"));
        a = nodes.start("a", "redis://127.0.0.1:" + proxyA.port());
        b = nodes.start("b", "redis://127.0.0.1:" + proxyB.port());
    }

    @AfterAll
    static void stop() {
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

    @Test
    void mixedTrafficWithAFaultEveryMinute() throws Exception {
        Duration length = Duration.ofMinutes(Integer.getInteger("realtime.soak.minutes"));
        Duration every = Duration.ofSeconds(Integer.getInteger("realtime.soak.faultSeconds", 60));
        long startNanos = System.nanoTime();
        Map<String, Integer> faults = new HashMap<>();
        List<String> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FaultRun run = new FaultRun("soak", List.of(a.base, b.base), List.of(b.base, a.base))) {
            run.awaitFlowing();
            StallWatch watch = new StallWatch(run, FaultRun.RECOVERY_BOUND, stalls);
            LoadWatch load = new LoadWatch();
            for (int n = 0; System.nanoTime() - startNanos < length.minus(every).toNanos(); n++) {
                Thread.sleep(every.minus(FAULT_LENGTH).toMillis());
                String fault = FAULTS.get(n % FAULTS.size());
                faults.merge(fault, 1, Integer::sum);
                run.faultBegins();
                inject(fault);
                run.faultEnds();
            }
            FaultRun.Result result = run.finish(x -> true);
            watch.close();
            load.close();
            List<String> problems = new ArrayList<>();
            long duplicates = 0;
            long gaps = 0;
            for (Subscriber s : run.subscribers) {
                for (String p : result.check.everyMessageOnceInOrder(s)) {
                    problems.add(s + ": " + p);
                    duplicates += p.contains("duplicate") ? 1 : 0;
                }
                gaps += s.events.stream().filter(Subscriber.Event::gap).count();
            }
            System.gc();
            long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
            int threads = Thread.activeCount();
            long libraryThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("realtime-") || t.getName().startsWith("lettuce-")).count();
            long expected = result.acknowledged() * run.subscribers.size();
            String report = String.format(Locale.ROOT, "soak %.1f min, a fault every %d s (%s)%n"
                            + "acknowledged %d publishes, refused %d; delivered %d = %d subscribers x %d acknowledged + %d of "
                            + "publishes refused after a timeout that Redis had carried out; %d subscriber resumes%n"
                            + "duplicates %d, gaps %d, stalls %d, other problems %d%n"
                            + "end: heap used %d MB after GC (both nodes and the test in one JVM), %d threads (%d realtime/lettuce)%n"
                            + "machine: %d cores, load average (1 min) during the run %s%n%s%n",
                    (System.nanoTime() - startNanos) / 60e9, every.toSeconds(), faults,
                    result.acknowledged(), result.refusals(), result.delivered(), run.subscribers.size(), result.acknowledged(),
                    result.delivered() - expected, result.resumes(), duplicates, gaps, stalls.size(),
                    problems.size(), heapMb, threads, libraryThreads,
                    Runtime.getRuntime().availableProcessors(), load.summary(), String.join("\n", stalls));
            Path out = Path.of("target", "soak-report.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.print(report);
            if (!problems.isEmpty() || !stalls.isEmpty()) {
                run.dump(); // every event, in target/fault-events, to find the cause
            }
            assertThat(problems).as("every acknowledged message once, in order, no gap" + run.describe()).isEmpty();
            assertThat(stalls).as("no subscriber silent for longer than the bound while messages flowed").isEmpty();
            assertThat(result.otherRefusals()).as("refused only with 503 bus_unavailable").isEmpty();
            RedisFaultIT.assertNoLibraryThreadStuck();
        }
    }

    private static void inject(String fault) throws Exception {
        switch (fault) {
            case "reset" -> {
                proxyA.reset();
                proxyB.reset();
            }
            case "half-open" -> {
                proxyA.halfOpen();
                proxyB.halfOpen();
            }
            case "Redis kill -9 and restart" -> {
                redis.kill();
                Thread.sleep(FAULT_LENGTH.toMillis());
                redis.start();
            }
            default -> {
                for (FaultProxy p : List.of(proxyA, proxyB)) {
                    switch (fault) {
                        case "cut" -> p.cut();
                        case "black hole" -> p.blackHole();
                        case "latency 500 ms" -> p.latency(Duration.ofMillis(500));
                        case "bandwidth 4 KB/s" -> p.bandwidth(4096);
                        default -> throw new IllegalArgumentException(fault);
                    }
                }
                Thread.sleep(FAULT_LENGTH.toMillis());
                proxyA.restore();
                proxyB.restore();
            }
        }
    }

    /** Samples the machine's load average every 10 s: the soak shares its cores with whatever else runs. */
    private static final class LoadWatch implements AutoCloseable {
        private final List<Double> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-load-watch"));

        LoadWatch() {
            timer.scheduleAtFixedRate(() -> samples.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()),
                    0, 10, TimeUnit.SECONDS);
        }

        String summary() {
            java.util.DoubleSummaryStatistics s = samples.stream().mapToDouble(Double::doubleValue).filter(x -> x >= 0)
                    .summaryStatistics();
            return s.getCount() == 0 ? "not available" : String.format(Locale.ROOT, "min %.2f, mean %.2f, max %.2f (%d samples)",
                    s.getMin(), s.getAverage(), s.getMax(), s.getCount());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** Samples every subscriber twice a second: one silent for longer than the bound while publishes were acknowledged is a stall. */
    private static final class StallWatch implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        StallWatch(FaultRun run, Duration bound, List<String> stalls) {
            Map<Subscriber, Long> reported = new HashMap<>();
            thread = new Thread(() -> {
                while (!stop) {
                    long now = System.nanoTime();
                    long lastAck = run.publishers.stream().flatMap(p -> p.acks.stream())
                            .mapToLong(x -> x.attempt().endNanos()).max().orElse(now);
                    for (Subscriber s : run.subscribers) {
                        List<Subscriber.Event> events = s.events;
                        long last = events.isEmpty() ? now : events.get(events.size() - 1).nanos();
                        boolean silent = now - last > bound.toNanos() && lastAck > last + bound.toNanos();
                        if (silent && !Long.valueOf(last).equals(reported.get(s))) {
                            reported.put(s, last);
                            stalls.add(s + " received nothing for " + TimeUnit.NANOSECONDS.toSeconds(now - last)
                                    + " s while publishes were acknowledged");
                        }
                    }
                    Subscriber.sleep(500);
                }
            }, "soak-stall-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(5000);
        }
    }
}
