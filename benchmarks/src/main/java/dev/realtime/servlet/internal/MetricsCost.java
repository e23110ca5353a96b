package dev.realtime.servlet.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cost of the metrics in CPU time, for a machine shared with other work: wall-clock benchmarks
 * (JMH) there measure the other work's load as much as ours, while the CPU time of the measuring
 * thread counts only what it ran. Runs {@link MetricsBenchmarks#fanOut()} (one publish to 500
 * WebSocket sessions, framed and counted) in one mode per JVM; {@code metrics-cost.sh} starts the
 * modes in turn, several rounds, and has this class write the report.
 *
 * <pre>
 * java ... MetricsCost measure off|on|micrometer SECONDS results/raw/metrics-cost.csv
 * java ... MetricsCost report results/raw/metrics-cost.csv results/METRICS-COST.md
 * </pre>
 */
public final class MetricsCost {
    private static final int BATCH = 200;

    private MetricsCost() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("measure")) {
            measure(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
        } else {
            report(Path.of(args[1]), Path.of(args[2]));
        }
    }

    /** Warms up for a third of the time, then records the CPU nanoseconds per fan-out of every batch. */
    static void measure(String mode, int seconds, Path csv) throws IOException {
        MetricsBenchmarks bench = new MetricsBenchmarks();
        bench.metrics = mode;
        bench.sessions = 500;
        bench.setup();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long warmEnd = System.nanoTime() + seconds * 1_000_000_000L / 3;
        while (System.nanoTime() < warmEnd) {
            sink += bench.fanOut();
        }
        List<Double> perOp = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < BATCH; i++) {
                sink += bench.fanOut();
            }
            perOp.add((cpu.getCurrentThreadCpuTime() - t0) / (double) BATCH);
        }
        bench.tearDown();
        double median = percentile(perOp, 0.5);
        Files.writeString(csv, String.format(Locale.ROOT, "%s,%.0f,%.0f,%d%n", mode, median, percentile(perOp, 0.1), perOp.size()),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.printf(Locale.ROOT, "%s: median %.1f us CPU per fan-out of 500 (%d batches of %d; checksum %d)%n",
                mode, median / 1000, perOp.size(), BATCH, sink % 10);
    }

    /** Per mode: the median over the rounds of each round's median, and its cost against {@code off}. */
    static void report(Path csv, Path md) throws IOException {
        Map<String, List<Double>> medians = new TreeMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            medians.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Double.parseDouble(f[1]));
        }
        double off = percentile(medians.get("off"), 0.5);
        StringBuilder b = new StringBuilder("# Cost of metrics (CPU time)\n\n")
                .append("One publish to 500 WebSocket sessions, each delivery framed and counted (MetricsBenchmarks.fanOut), ")
                .append("CPU time of the measuring thread; one JVM per mode and round, the modes in turn. ")
                .append("Written by MetricsCost (benchmarks/metrics-cost.sh).\n\n")
                .append("| metrics | CPU per fan-out (median of rounds) | per delivery | against off | rounds (each round's median, us) |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (String mode : List.of("off", "on", "micrometer")) {
            List<Double> m = medians.getOrDefault(mode, List.of());
            if (m.isEmpty()) {
                continue;
            }
            double median = percentile(m, 0.5);
            b.append(String.format(Locale.ROOT, "| %s | %.1f us | %.0f ns | %+.1f %% | %s |%n", mode, median / 1000, median / 500,
                    (median / off - 1) * 100, Arrays.toString(m.stream().mapToDouble(v -> Math.round(v / 100) / 10.0).toArray())));
        }
        Files.writeString(md, b.toString(), StandardCharsets.UTF_8);
        System.out.print(b);
    }

    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.floor(p * v.length))];
    }
}
