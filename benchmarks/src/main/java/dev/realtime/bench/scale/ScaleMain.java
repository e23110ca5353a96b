package dev.realtime.bench.scale;

import dev.realtime.bench.load.ProcStats;
import dev.realtime.redis.RedisCluster;
import dev.realtime.redis.RedisServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark: several library nodes (separate JVMs, {@link ScaleNode}) on one Redis, then on a
 * three-shard Redis Cluster (sharded pub/sub). Each step runs every node at an equal share of a total
 * publish rate over the same channels, every node subscribed to all of them, and measures: the publish
 * rate achieved, cross-node publish-to-delivery latency (p50/p99 over the messages a node received from
 * the others), and the Redis CPU time per published message (user + system, all Redis processes, from
 * /proc). Rates double until a step saturates: less than 90% of the target rate published, or a p99
 * above 250 ms. Writes {@code results/SCALE.md}.
 *
 * <p>{@code java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.realtime.bench.scale.ScaleMain quick|full benchmarks}
 */
public final class ScaleMain {
    private static final double SATURATED_SHARE = 0.9;
    private static final double SATURATED_P99_MS = 250;
    private static final long IDLE_MILLIS = 3000;

    record Step(String topology, int nodes, int channels, double target, double published, long errors,
                long received, double p50, double p99, double redisCpuMicrosPerMessage, double busiestRedisCpuShare,
                double scriptMicros) {
        boolean saturated() {
            return published < target * SATURATED_SHARE || p99 > SATURATED_P99_MS;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean full = args.length > 0 && args[0].equals("full");
        Path dir = Path.of(args.length > 1 ? args[1] : "benchmarks");
        Path raw = dir.resolve("results/raw/scale");
        Files.createDirectories(raw);
        int nodes = Integer.getInteger("bench.scale.nodes", 3);
        int channels = Integer.getInteger("bench.scale.channels", 100);
        int seconds = Integer.getInteger("bench.scale.seconds", full ? 20 : 8);
        double[] rates = Arrays.stream(System.getProperty("bench.scale.rates", full
                        ? "1000,2000,4000,8000,16000,32000" : "1000,2000,4000,8000,16000").split(","))
                .mapToDouble(Double::parseDouble).toArray();
        String started = Instant.now().toString();
        List<Step> steps = new ArrayList<>();

        try (RedisServer redis = RedisServer.startIfInstalled()) {
            if (redis == null) {
                throw new IllegalStateException("redis-server is not on PATH");
            }
            steps.addAll(sweep("one Redis", redis.uri(), List.of(redis), nodes, channels, seconds, rates, raw));
        }
        try (RedisCluster cluster = RedisCluster.startIfInstalled(3, 0)) {
            steps.addAll(sweep("3-shard cluster", cluster.uri(), cluster.nodes(), nodes, channels, seconds, rates, raw));
        }
        Path report = dir.resolve("results/SCALE.md");
        Files.writeString(report, report(steps, started, nodes, channels, seconds));
        System.out.println(Files.readString(report));
    }

    private static List<Step> sweep(String topology, String uri, List<RedisServer> servers, int nodes, int channels,
                                    int seconds, double[] rates, Path raw) throws Exception {
        List<Step> steps = new ArrayList<>();
        int failed = 0;
        for (double rate : rates) {
            Step s = step(topology, uri, servers, nodes, channels, seconds, rate, raw);
            steps.add(s);
            System.out.println(s);
            if (s.saturated() && ++failed >= 2) {
                break;
            }
        }
        return steps;
    }

    private static Step step(String topology, String uri, List<RedisServer> servers, int nodes, int channels, int seconds,
                             double rate, Path raw) throws Exception {
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        String classpath = System.getProperty("java.class.path");
        for (int i = 0; i < nodes; i++) {
            Path file = raw.resolve(topology.replace(' ', '-') + "-" + (int) rate + "-node" + i + ".txt");
            files.add(file);
            Process p = new ProcessBuilder("java", "-Xms256m", "-Xmx512m", "-cp", classpath, ScaleNode.class.getName(), uri,
                    Integer.toString(i), Integer.toString(channels), Double.toString(rate / nodes), Integer.toString(seconds),
                    file.toString())
                    .redirectError(raw.resolve("node" + i + ".err").toFile())
                    .start();
            processes.add(p);
            outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        }
        for (BufferedReader out : outputs) {
            expect(out, "READY");
        }
        // Redis's own background work (cron, cluster gossip, the clients' topology refreshes), measured idle
        // with the nodes connected, is taken off, so the figure is the cost of the messages
        double[] idleStart = servers.stream().mapToDouble(s -> ProcStats.cpuSeconds(s.pid())).toArray();
        long idleT0 = System.nanoTime();
        Thread.sleep(IDLE_MILLIS);
        double idleElapsed = (System.nanoTime() - idleT0) / 1e9;
        for (RedisServer server : servers) {
            server.call("CONFIG", "RESETSTAT");
        }
        double[] cpuBefore = servers.stream().mapToDouble(s -> ProcStats.cpuSeconds(s.pid())).toArray();
        double idlePerSecond = 0;
        for (int i = 0; i < cpuBefore.length; i++) {
            idlePerSecond += (cpuBefore[i] - idleStart[i]) / idleElapsed;
        }
        long t0 = System.nanoTime();
        for (Process p : processes) {
            OutputStream in = p.getOutputStream();
            in.write("GO\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        long published = 0;
        long errors = 0;
        long received = 0;
        for (BufferedReader out : outputs) {
            String[] done = expect(out, "DONE").split(" ");
            published += Long.parseLong(done[1]);
            errors += Long.parseLong(done[2]);
            received += Long.parseLong(done[3]);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double[] cpuAfter = servers.stream().mapToDouble(s -> ProcStats.cpuSeconds(s.pid())).toArray();
        for (Process p : processes) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        double cpu = -idlePerSecond * elapsed;
        double busiest = 0;
        for (int i = 0; i < cpuBefore.length; i++) {
            cpu += cpuAfter[i] - cpuBefore[i];
            busiest = Math.max(busiest, (cpuAfter[i] - cpuBefore[i]) / elapsed);
        }
        // Redis's own account of the publish script: time inside EVALSHA, per call, over all servers
        long calls = 0;
        long micros = 0;
        for (RedisServer server : servers) {
            for (String line : ((String) server.call("INFO", "commandstats")).split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:")) {
                    for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                        if (field.startsWith("calls=")) {
                            calls += Long.parseLong(field.substring(6));
                        } else if (field.startsWith("usec=")) {
                            micros += Long.parseLong(field.substring(5));
                        }
                    }
                }
            }
        }
        List<Long> latencies = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                latencies.add(Long.parseLong(line));
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Step(topology, nodes, channels, rate, published / (double) seconds, errors, received,
                percentile(sorted, 50), percentile(sorted, 99), published == 0 ? Double.NaN : cpu * 1e6 / published, busiest,
                calls == 0 ? Double.NaN : micros / (double) calls);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String expect(BufferedReader out, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("a node ended before " + prefix);
    }

    private static double percentile(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        return sortedMicros[Math.min(sortedMicros.length - 1, (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1)] / 1000.0;
    }

    private static String report(List<Step> steps, String started, int nodes, int channels, int seconds) {
        StringBuilder b = new StringBuilder("# Scale: library nodes on one Redis and on a 3-shard Redis Cluster\n\n");
        b.append(String.format(Locale.ROOT, "Started %s. %d node JVMs, each subscribed to all %d channels and publishing "
                + "an equal share; %d s per step; machine: %d cores, load average at the end: %s.%n"
                + "Redis CPU per message: user + system time of all Redis processes during the step, less their idle rate "
                + "measured for %d ms before it, divided by the messages published (it includes writing each message to "
                + "every subscribed node). EVALSHA µs/call: Redis's own commandstats for the publish script.%n%n", started, nodes, channels, seconds,
                Runtime.getRuntime().availableProcessors(), loadAverage(), IDLE_MILLIS));
        b.append("| topology | target msg/s | published msg/s | errors | deliveries | cross-node p50 ms | p99 ms "
                + "| Redis CPU µs/msg | EVALSHA µs/call | busiest Redis process CPU | saturated |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Step s : steps) {
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %d | %.2f | %.2f | %.1f | %.1f | %.1f%% | %s |%n",
                    s.topology(), s.target(), s.published(), s.errors(), s.received(), s.p50(), s.p99(),
                    s.redisCpuMicrosPerMessage(), s.scriptMicros(), s.busiestRedisCpuShare() * 100, s.saturated() ? "yes" : "no"));
        }
        return b.toString();
    }
}
