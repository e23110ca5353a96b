package dev.realtime.bench.presence;

import dev.realtime.bench.load.ProcStats;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Presence churn (issue 12): one channel with {@code members} present members (1,000 by default, the
 * default {@code realtime.presence.maxMembers}), each its own WebSocket (protocol 1.1) that joined the
 * channel's presence, and {@code watchers} WebSockets subscribed to the channel's presence. At each
 * churn rate, members leave and join again steadily (open loop: operation i is due at t0 + i/rate; a
 * member leaves, and joins again one operation later), and every watcher must see every change once.
 *
 * <p>Per step: operations per second achieved, presence events delivered per second, change-to-watcher
 * latency (due time of the leave or join to its event at a watcher, p50/p99), events lost (must be 0),
 * and the server's CPU (cores busy, from /proc, less its idle rate with the members connected). Once:
 * heap per present member (after GC, members connected before and after joining) and the time of a
 * {@code GET /presence} snapshot of all members.
 *
 * <p>The server is the library's benchmark WAR on {@code BenchServer} (in-memory bus) in its own JVM.
 * {@code java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.realtime.bench.presence.PresenceChurn benchmarks}
 * Options: -Dbench.presence.members=1000 -Dbench.presence.watchers=10 -Dbench.presence.rates=100,250,...
 * -Dbench.presence.seconds=5. Writes {@code results/PRESENCE.md}.
 */
public final class PresenceChurn {
    private static final String CHANNEL = "room:churn";
    private static final Pattern EVENT = Pattern.compile("\"action\":\"(join|leave)\".*?\"member\":\"([^\"]+)\"");

    record Step(int rate, double seconds, long operations, long expected, long received, double p50, double p99,
                double serverCores, double load) {
        long lost() {
            return expected - received;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    /** Due time (ns) of the latest operation per "action:member". */
    private final Map<String, Long> due = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();
    private volatile long[] latencies = new long[0];
    private final AtomicLong latencyCount = new AtomicLong();

    private long serverPid;

    private PresenceChurn(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "benchmarks");
        int members = Integer.getInteger("bench.presence.members", 1000);
        int watchers = Integer.getInteger("bench.presence.watchers", 10);
        int seconds = Integer.getInteger("bench.presence.seconds", 5);
        int[] rates = Arrays.stream(System.getProperty("bench.presence.rates", "100,250,500,1000,2000,4000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Path raw = dir.resolve("results/raw");
        Files.createDirectories(raw);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process server = startServer(dir, raw, port);
        try {
            PresenceChurn bench = new PresenceChurn("127.0.0.1:" + port);
            bench.serverPid = server.pid();
            String report = bench.run(members, watchers, seconds, rates, server.pid());
            Files.writeString(dir.resolve("results/PRESENCE.md"), report);
            System.out.println(report);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private String run(int members, int watchers, int seconds, int[] rates, long pid) throws Exception {
        String started = Instant.now().toString();
        long heapEmpty = heapUsed();
        List<WebSocket> memberSockets = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            memberSockets.add(open(new Listener(false)));
        }
        histo("connected");
        // a first frame each way (ping, pong), so that what a connection allocates on its first write is
        // in the baseline and the difference below is presence alone
        for (WebSocket w : memberSockets) {
            send(w, "{\"type\":\"ping\"}");
        }
        Thread.sleep(1000);
        long heapConnected = heapUsed();
        histo("pinged");
        for (int i = 0; i < members; i++) {
            send(memberSockets.get(i), "{\"type\":\"join\",\"channel\":\"" + CHANNEL + "\",\"member\":\"m" + i + "\"}");
        }
        awaitMembers(members);
        long heapJoined = heapUsed();
        List<Listener> watching = new ArrayList<>();
        for (int i = 0; i < watchers; i++) {
            Listener l = new Listener(true);
            send(open(l), "{\"type\":\"subscribe\",\"channel\":\"" + CHANNEL + "\",\"presence\":true}");
            watching.add(l);
        }
        double snapshotMillis = snapshotMillis(members);

        double idleCoresRate = cores(pid, 3000) ;
        List<Step> steps = new ArrayList<>();
        for (int rate : rates) {
            Step s = step(memberSockets, watchers, rate, seconds, pid, idleCoresRate);
            steps.add(s);
            System.out.printf(Locale.ROOT, "rate %d/s: %d ops, %d/%d events, p50 %.1f ms, p99 %.1f ms, lost %d, server %.2f cores%n",
                    rate, s.operations(), s.received(), s.expected(), s.p50(), s.p99(), s.lost(), s.serverCores());
            if (s.lost() > 0 || s.p99() > 1000) {
                break; // saturated
            }
        }
        for (WebSocket w : memberSockets) {
            w.abort();
        }
        return report(started, members, watchers, seconds, heapEmpty, heapConnected, heapJoined, snapshotMillis,
                idleCoresRate, steps);
    }

    private Step step(List<WebSocket> members, int watchers, int rate, int seconds, long pid, double idleCores)
            throws Exception {
        int operations = rate * seconds;
        latencies = new long[operations * watchers + 16];
        latencyCount.set(0);
        long events0 = events.get();
        double cpu0 = ProcStats.cpuSeconds(pid);
        long t0 = System.nanoTime() + 2_000_000;
        long interval = 1_000_000_000L / rate;
        for (int i = 0; i < operations; i++) {
            long at = t0 + i * interval;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int k = (i / 2) % members.size();
            boolean leave = i % 2 == 0; // a member leaves, and joins again at the next operation
            String member = "m" + k;
            due.put((leave ? "leave:" : "join:") + member, at);
            send(members.get(k), leave
                    ? "{\"type\":\"leave\",\"channel\":\"" + CHANNEL + "\"}"
                    : "{\"type\":\"join\",\"channel\":\"" + CHANNEL + "\",\"member\":\"" + member + "\"}");
        }
        long expected = (long) operations * watchers;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (events.get() - events0 < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cores = (ProcStats.cpuSeconds(pid) - cpu0) / elapsed - idleCores;
        long n = Math.min(latencyCount.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, (int) n);
        Arrays.sort(sorted);
        Thread.sleep(500); // the step's last events settle before the next step counts
        return new Step(rate, elapsed, operations, expected, events.get() - events0,
                percentile(sorted, 0.50), percentile(sorted, 0.99), cores, loadAverage());
    }

    /** A member's or watcher's socket; a watcher records each join or leave event of the churn. */
    private final class Listener implements WebSocket.Listener {
        private final boolean watcher;
        private final StringBuilder text = new StringBuilder();

        Listener(boolean watcher) {
            this.watcher = watcher;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String frame = text.toString();
                text.setLength(0);
                if (watcher && frame.contains("\"type\":\"presence\"")) {
                    Matcher m = EVENT.matcher(frame);
                    if (m.find()) {
                        Long at = due.get(m.group(1) + ":" + m.group(2));
                        if (at != null) {
                            long i = latencyCount.getAndIncrement();
                            long[] l = latencies;
                            if (i < l.length) {
                                l[(int) i] = System.nanoTime() - at;
                            }
                            events.incrementAndGet();
                        }
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    private WebSocket open(Listener listener) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://" + base + "/app/realtime/ws?v=1.1"), listener)
                .get(10, TimeUnit.SECONDS);
    }

    private static void send(WebSocket ws, String frame) {
        synchronized (ws) { // one frame at a time per socket
            ws.sendText(frame, true).join();
        }
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + base + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitMembers(int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(get("/app/realtime/presence?channel=" + CHANNEL)) < members) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the members did not all join within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static int count(String snapshot) {
        int n = 0;
        for (int i = snapshot.indexOf("\"member\":"); i >= 0; i = snapshot.indexOf("\"member\":", i + 1)) {
            n++;
        }
        return n;
    }

    /** The median of 21 snapshots of the whole member list over HTTP. */
    private double snapshotMillis(int members) throws Exception {
        double[] t = new double[21];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            int n = count(get("/app/realtime/presence?channel=" + CHANNEL));
            t[i] = (System.nanoTime() - s) / 1e6;
            if (n != members) {
                throw new IllegalStateException("snapshot holds " + n + " members, not " + members);
            }
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    /** With -Dbench.presence.histo=true: jmap -histo:live of the server into results/raw/presence-histo-<when>.txt. */
    private void histo(String when) throws Exception {
        if (Boolean.getBoolean("bench.presence.histo")) {
            Path out = Path.of("benchmarks/results/raw/presence-histo-" + when + ".txt");
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jmap").toString(), "-histo:live",
                    Long.toString(serverPid)).redirectOutput(out.toFile()).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private long heapUsed() throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://" + base + "/_bench/heap")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("used=(\\d+)").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double cores(long pid, long millis) throws InterruptedException {
        double c0 = ProcStats.cpuSeconds(pid);
        long t0 = System.nanoTime();
        Thread.sleep(millis);
        return (ProcStats.cpuSeconds(pid) - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static Process startServer(Path dir, Path raw, int port) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = dir.resolve("target/server-lib") + "/*" + java.io.File.pathSeparator + dir.resolve("target/classes");
        Path log = raw.resolve("server-presence.log");
        Process p = new ProcessBuilder(javaBin, "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-cp", cp,
                "dev.realtime.bench.server.BenchServer", Integer.toString(port), "/app",
                dir.resolve("target/bench-lib.war").toString(), "4000", "200")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(log) && Files.readString(log).contains("BENCH-SERVER-READY"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not start; see " + log);
            }
            Thread.sleep(100);
        }
        return p;
    }

    private static String report(String started, int members, int watchers, int seconds, long heapEmpty,
                                 long heapConnected, long heapJoined, double snapshotMillis, double idleCores,
                                 List<Step> steps) {
        StringBuilder b = new StringBuilder("# Presence churn\n\n");
        b.append(String.format(Locale.ROOT, "Run %s; %d members present in one channel (each its own WebSocket, protocol 1.1), "
                + "%d watchers of its presence, %d s per rate; in-memory bus, library benchmark WAR on embedded Tomcat 11, "
                + "one JVM each for server and generator on this machine (%d cores).%n%n", started, members, watchers, seconds,
                Runtime.getRuntime().availableProcessors()));
        b.append(String.format(Locale.ROOT, "- Heap per present member (after GC, joined minus connected): %.2f KiB; "
                + "per connection before joining (after one ping): %.1f KiB.%n", (heapJoined - heapConnected) / 1024.0 / members,
                (heapConnected - heapEmpty) / 1024.0 / members));
        b.append(String.format(Locale.ROOT, "- `GET /presence` snapshot of all %d members: %.1f ms (median of 21).%n", members, snapshotMillis));
        b.append(String.format(Locale.ROOT, "- Server CPU idle with everyone connected: %.3f cores (taken off the steps below).%n%n", idleCores));
        b.append("| changes/s (leave or join) | events to watchers/s | delivered / expected | lost | p50 ms | p99 ms | server cores | server CPU µs per change | load average |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Step s : steps) {
            b.append(String.format(Locale.ROOT, "| %d | %.0f | %d / %d | %d | %.1f | %.1f | %.2f | %.0f | %.1f |%n",
                    s.rate(), s.received() / s.seconds(), s.received(), s.expected(), s.lost(), s.p50(), s.p99(),
                    s.serverCores(), s.serverCores() * 1e6 / s.rate(), s.load()));
        }
        b.append("\nA change is one leave or one join of a present member; each reaches every watcher as one presence "
                + "event. Latency runs from the time the change was due (open loop) to its event at a watcher, in the "
                + "generator's clock. A rate stops the sweep when an event is lost or p99 exceeds 1 s.\n");
        return b.toString();
    }
}
