package dev.realtime.bench.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator and orchestrator. For each target (baseline WAR, then the library's bench WAR) it
 * starts a separate server JVM ({@code BenchServer}), then runs: idle capacity, fan-out sweeps per
 * transport (knee search), and a reconnect storm; then writes {@code REPORT.md} and the chart.
 *
 * <p>Usage: {@code LoadMain <quick|full> <benchmarks-dir>}; reads {@code target/*.war},
 * {@code target/server-lib} and (if present) {@code results/raw/jmh.json}.
 */
public final class LoadMain {
    static final String[] TRANSPORTS = {"ws", "sse", "poll"};
    /** Drain: stop waiting after this long without a new delivery (-Dbench.quietMillis), or after bench.drainMillis in all. */
    static final long QUIET_NANOS = Long.getLong("bench.quietMillis", 1500) * 1_000_000L;
    static final long DRAIN_MILLIS = Long.getLong("bench.drainMillis", 10_000);

    final Mode mode;
    final Path dir;
    final Path raw;
    final Results results = new Results();
    final ExecutorService pool = Executors.newFixedThreadPool(4, daemon("gen-io"));
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("gen-timer"));
    final List<HttpClient> subscriberClients = new ArrayList<>();
    final java.util.Map<String, RawPublisher> publishers = new java.util.HashMap<>();
    final HttpClient adminHttp;
    final AtomicLong seq = new AtomicLong(1);
    final java.util.Map<String, Long> pids = new java.util.HashMap<>();

    /** Sizes, rates and durations of a mode. */
    record Mode(String name, int[] idleSizes, int fanoutSubscribers, int[] rates, double stepSeconds,
                boolean bisect, int stormClients, int stormRate, double stormBefore, double stormAfter, int repeats) {
    }

    static final Mode QUICK = new Mode("quick", new int[]{1000}, 100, new int[]{20, 160, 640}, 2.0,
            false, 300, 20, 1.0, 2.5, 1);
    static final Mode FULL = new Mode("full", new int[]{1000, 5000, 10000}, 500,
            new int[]{5, 10, 20, 40, 80, 160, 320, 640, 1280}, 4.0, true, 3000, 20, 3, 8, 3);

    LoadMain(Mode mode, Path dir) {
        this.mode = mode;
        this.dir = dir;
        this.raw = dir.resolve("results/raw");
        for (int i = 0; i < 4; i++) {
            subscriberClients.add(HttpClient.newBuilder().executor(pool).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(20)).build());
        }
        adminHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    public static void main(String[] args) throws Exception {
        Mode mode = args.length > 0 && args[0].equals("full") ? FULL : QUICK;
        // overrides for experiments: -Dbench.subs=50 -Dbench.rates=10,100 -Dbench.idle=100
        if (System.getProperty("bench.subs") != null || System.getProperty("bench.rates") != null || System.getProperty("bench.idle") != null) {
            mode = new Mode(mode.name() + " (overridden)",
                    ints(System.getProperty("bench.idle"), mode.idleSizes()),
                    Integer.getInteger("bench.subs", mode.fanoutSubscribers()),
                    ints(System.getProperty("bench.rates"), mode.rates()), mode.stepSeconds(), mode.bisect(),
                    mode.stormClients(), mode.stormRate(), mode.stormBefore(), mode.stormAfter(), mode.repeats());
        }
        Path dir = Path.of(args.length > 1 ? args[1] : "benchmarks").toAbsolutePath();
        String only = System.getProperty("bench.only", ""); // e.g. "idle,fanout,storm"
        LoadMain main = new LoadMain(mode, dir);
        Files.createDirectories(main.raw);
        String jmhSeconds = System.getenv("BENCH_JMH_SECONDS"); // set by run.sh, which runs JMH before this JVM
        if (jmhSeconds != null && !jmhSeconds.isBlank()) {
            main.results.phases.add(new Results.PhaseTime("JMH (run.sh, before the load JVM)", Double.parseDouble(jmhSeconds)));
        }
        long t0 = System.nanoTime();
        main.run(Target.selected(List.of( // -Dbench.targets=baseline,library,atmosphere (default: all three)
                new Target("baseline", false, dir.resolve("target/bench-baseline.war").toString(), "/base", freePort()),
                new Target("library", true, dir.resolve("target/bench-lib.war").toString(), "/lib", freePort()),
                new Target(Target.ATMOSPHERE, false, dir.resolve("target/bench-atmosphere.war").toString(), "/atmo", freePort()))), only);
        double minutes = (System.nanoTime() - t0) / 60e9;
        main.results.notes.add(String.format(Locale.ROOT, "load phase took %.1f min", minutes));
        Report.write(main, dir.resolve("results"));
        log("done in %.1f min; report: %s", minutes, dir.resolve("results/REPORT.md"));
        System.exit(0);
    }

    /**
     * Idle scenarios on a fresh server each; fan-out steps alternate between the targets at each rate
     * (both servers up, each in its own JVM), so a change in background load hits both alike.
     *
     * <p>Quick mode measures idle capacity once per target (mixed, on the freshly started servers) and
     * keeps those servers for the other scenarios; full mode starts fresh servers for every idle
     * measurement (both targets' servers start in parallel). Every phase is timed (report and log).
     */
    void run(List<Target> targets, String only) throws Exception {
        boolean idle = only.isEmpty() || only.contains("idle");
        boolean rest = only.isEmpty() || only.contains("fanout") || only.contains("storm") || only.contains("channels");
        List<Process> servers = new ArrayList<>();
        try {
            if (idle && shareIdleServers()) {
                servers.addAll(timed("server start-up (both, in parallel)", () -> startServers(targets)));
                timed("idle capacity", () -> {
                    for (int n : mode.idleSizes()) {
                        for (String tr : idleTransports()) {
                            for (Target t : targets) {
                                idle(t, tr, n);
                            }
                        }
                    }
                    return null;
                });
            } else if (idle) {
                // a fresh server for each idle measurement: Tomcat caches channels and processors of closed
                // connections, which would otherwise count against (or for) the next measurement
                timed("idle capacity (fresh servers, each pair started in parallel)", () -> {
                    for (int n : mode.idleSizes()) {
                        for (String tr : idleTransports()) {
                            List<Process> fresh = startServers(targets);
                            try {
                                for (Target t : targets) {
                                    idle(t, tr, n);
                                }
                            } finally {
                                for (Process p : fresh) {
                                    stop(p);
                                }
                            }
                        }
                    }
                    return null;
                });
            }
            if (!rest) {
                return;
            }
            if (servers.isEmpty()) {
                servers.addAll(timed("server start-up (both, in parallel)", () -> startServers(targets)));
            }
            for (Target t : targets) {
                publishers.put(t.name(), new RawPublisher(t.publishUrl(), 8));
            }
            if (only.isEmpty() || only.contains("fanout")) {
                for (String tr : System.getProperty("bench.transports", "ws,sse,poll,mixed").split(",")) {
                    timed("fan-out " + tr, () -> {
                        fanout(targets, tr);
                        return null;
                    });
                }
            }
            if (only.isEmpty() || only.contains("channels")) {
                timed("many channels", () -> {
                    // the Atmosphere WAR serves one broadcaster: it takes no part in the many-channels scenario
                    ManyChannels.run(this, targets.stream().filter(t -> !t.atmosphere()).toList());
                    return null;
                });
            }
            if (only.isEmpty() || only.contains("storm")) {
                timed("reconnect storm", () -> {
                    for (Target t : targets) {
                        if (t.atmosphere() && !Boolean.getBoolean("bench.atmosphereStorm")) {
                            continue; // not validated for Atmosphere yet (BENCHMARKS.md, "Atmosphere peer"): -Dbench.atmosphereStorm=true
                        }
                        storm(t);
                    }
                    return null;
                });
            }
        } finally {
            publishers.values().forEach(RawPublisher::close);
            for (Process p : servers) {
                stop(p);
            }
        }
    }

    /** The storm's drain gives up after this long without a new delivery: 8 s, 4 s in quick mode (300 clients). */
    long stormQuietNanos() {
        return mode.name().startsWith("quick") ? 4_000_000_000L : 8_000_000_000L;
    }

    /** Quick mode: the idle measurement runs on the servers the other scenarios use (started once). */
    boolean shareIdleServers() {
        return mode.name().startsWith("quick") && !Boolean.getBoolean("bench.freshIdle");
    }

    /** Quick: one mixed step per target; full: each transport, then mixed (-Dbench.idleTransports=ws,mixed). */
    List<String> idleTransports() {
        String p = System.getProperty("bench.idleTransports");
        if (p != null && !p.isBlank()) {
            return List.of(p.split(","));
        }
        return mode.name().startsWith("quick") ? List.of("mixed") : List.of("ws", "sse", "poll", "mixed");
    }

    /** Mixed fan-out in quick mode: one rate (-Dbench.mixedRates); otherwise the mode's rates. */
    int[] fanoutRates(String transport) {
        if (transport.equals("mixed") && mode.name().startsWith("quick")) {
            return ints(System.getProperty("bench.mixedRates"), new int[]{160});
        }
        return mode.rates();
    }

    interface Work<T> {
        T call() throws Exception;
    }

    /** Runs a phase and records its wall-clock time (log, report). */
    <T> T timed(String name, Work<T> work) throws Exception {
        long t0 = System.nanoTime();
        try {
            return work.call();
        } finally {
            double s = (System.nanoTime() - t0) / 1e9;
            results.phases.add(new Results.PhaseTime(name, s));
            log("phase '%s' took %.1f s", name, s);
        }
    }

    /** Warms up the publish path and the JIT a little, identically for every target. */
    void warmUp(Target t) throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            post(t.publishUrl(), "{\"seq\":0,\"t\":0}");
        }
    }

    /** Starts the servers of all targets at once, waits for each, then warms them up in parallel. */
    List<Process> startServers(List<Target> targets) throws Exception {
        List<Process> started = new ArrayList<>();
        try {
            for (Target t : targets) {
                started.add(launch(t));
            }
            for (int i = 0; i < targets.size(); i++) {
                awaitReady(targets.get(i), started.get(i), false);
            }
            List<Thread> warming = new ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
            for (Target t : targets) {
                Thread w = new Thread(() -> {
                    try {
                        warmUp(t);
                    } catch (Exception e) {
                        failed.set(e);
                    }
                }, "warm-up-" + t.name());
                w.start();
                warming.add(w);
            }
            for (Thread w : warming) {
                w.join();
            }
            if (failed.get() != null) {
                throw failed.get();
            }
        } catch (Exception e) {
            for (Process p : started) {
                stop(p);
            }
            throw e;
        }
        return started;
    }

    static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(15, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- server process

    Process startServer(Target t) throws Exception {
        Process p = launch(t);
        awaitReady(t, p);
        return p;
    }

    Process launch(Target t) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = dir.resolve("target/server-lib").toString() + "/*" + java.io.File.pathSeparator
                + dir.resolve("target/classes");
        Path logFile = raw.resolve("server-" + t.name() + ".log");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xms256m", "-Xmx2g", "-XX:+UseG1GC"));
        if (Boolean.getBoolean("bench.jfr")) { // CPU profile of the server: results/raw/server-<target>.jfr
            cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + raw.resolve("server-" + t.name() + ".jfr"));
        }
        // server tuning experiments: -Dbench.serverOpts="-Dbench.connector.socket.appReadBufSize=4096 ..." (space-separated)
        String serverOpts = System.getProperty("bench.serverOpts", "").trim();
        if (!serverOpts.isEmpty()) {
            cmd.addAll(List.of(serverOpts.split("\\s+")));
        }
        cmd.addAll(List.of("-cp", cp, "dev.realtime.bench.server.BenchServer",
                Integer.toString(t.port()), t.context(), t.war(), "12000", "200"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        pids.put(t.name(), p.pid());
        return p;
    }

    void awaitReady(Target t, Process p) throws Exception {
        awaitReady(t, p, true);
    }

    /** Waits for the server's ready line; then (if asked) warms up its publish path, see {@link #warmUp}. */
    void awaitReady(Target t, Process p, boolean warmUp) throws Exception {
        Path logFile = raw.resolve("server-" + t.name() + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(logFile) && Files.readString(logFile).contains("BENCH-SERVER-READY")) {
                log("%s: server pid %d on port %d", t.name(), p.pid(), t.port());
                if (warmUp) {
                    warmUp(t);
                }
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("server did not start; see " + logFile);
    }

    // ---------------------------------------------------------------- scenarios

    void idle(Target t, String transport, int n) throws Exception {
        long[] before = heap(t);
        long rss0 = ProcStats.rssBytes(pids.get(t.name()));
        List<Client> clients = clients(t, transport, n, false, true);
        // the one-minute hold is the library's capacity target; the peers are measured for heap only
        boolean hold = t.library() && Hold.applies(mode, n);
        if (hold) {
            Hold.prepare(clients);
        }
        long c0 = System.nanoTime();
        int held = connectAll(t, clients);
        double connectSeconds = (System.nanoTime() - c0) / 1e9;
        Thread.sleep(1000);
        long[] after = heap(t);
        long rss1 = ProcStats.rssBytes(pids.get(t.name()));
        if (Boolean.getBoolean("bench.histo")) { // class histogram of live objects, to see what a connection costs
            Path out = raw.resolve("histo-" + t.name() + "-" + transport + "-" + n + ".txt");
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jmap").toString(), "-histo:live",
                    Long.toString(pids.get(t.name()))).redirectErrorStream(true).redirectOutput(out.toFile()).start().waitFor();
        }
        held = Math.min(held, connections(t));
        if (hold) {
            results.holds.add(Hold.run(this, t, transport, clients));
        }
        teardown(t, clients);
        Results.Idle r = new Results.Idle(t.name(), transport, n, held, connectSeconds, before[0], after[0], rss0, rss1, (int) after[1]);
        results.idle.add(r);
        log("idle %s %s n=%d held=%d connect=%.1fs heap/conn=%.2f KiB rss/conn=%.2f KiB threads=%d", t.name(), transport, n,
                held, connectSeconds, r.heapPerConnKiB(), r.rssPerConnKiB(), after[1]);
    }

    void fanout(List<Target> targets, String transport) throws Exception {
        int subs = mode.fanoutSubscribers();
        java.util.Map<Target, List<Client>> clients = new java.util.LinkedHashMap<>();
        java.util.Map<Target, Results.Step> lastPass = new java.util.HashMap<>();
        // the first failed rate above the last pass (what bisection narrows), and failed rates so far:
        // a sweep goes on past one failed rate and stops at its second (see Report.knee)
        java.util.Map<Target, Results.Step> firstFail = new java.util.HashMap<>();
        java.util.Map<Target, Integer> failures = new java.util.HashMap<>();
        for (Target t : targets) {
            clients.put(t, clients(t, transport, subs, false));
            connectAll(t, clients.get(t));
        }
        for (int rate : fanoutRates(transport)) {
            for (Target t : targets) {
                if (failures.getOrDefault(t, 0) >= 2) {
                    continue;
                }
                Results.Step s = null;
                for (int rep = 0; rep < mode.repeats(); rep++) { // best of N: the machine is shared, stalls come and go
                    Results.Step r = step(t, transport, clients.get(t), rate, mode.stepSeconds());
                    if (s == null || better(r, s)) {
                        s = r;
                    }
                    if (s.pass() || r.lost() > 0 || r.disconnects() > 0) {
                        break;
                    }
                }
                results.steps.add(s);
                if (s.pass()) {
                    lastPass.put(t, s);
                    firstFail.remove(t);
                } else {
                    firstFail.putIfAbsent(t, s);
                    failures.merge(t, 1, Integer::sum);
                }
            }
            if (targets.stream().allMatch(t -> failures.getOrDefault(t, 0) >= 2)) {
                break;
            }
        }
        for (Target t : targets) {
            teardown(t, clients.get(t));
        }
        if (!mode.bisect()) {
            return;
        }
        for (Target t : targets) {
            Results.Step fail = firstFail.get(t);
            if (fail == null) {
                continue;
            }
            int lo = lastPass.containsKey(t) ? lastPass.get(t).rate() : fanoutRates(transport)[0] / 2;
            int mid = (int) Math.round(Math.sqrt((double) lo * fail.rate()));
            if (mid > lo && mid < fail.rate()) {
                List<Client> fresh = clients(t, transport, subs, false);
                connectAll(t, fresh);
                Results.Step s = null;
                for (int rep = 0; rep < mode.repeats(); rep++) {
                    Results.Step r = step(t, transport, fresh, mid, mode.stepSeconds());
                    if (s == null || better(r, s)) {
                        s = r;
                    }
                    if (s.pass() || r.lost() > 0 || r.disconnects() > 0) {
                        break;
                    }
                }
                results.steps.add(s);
                teardown(t, fresh);
            }
        }
    }

    /** A passing step beats a failing one; otherwise the lower p99 wins. */
    static boolean better(Results.Step a, Results.Step b) {
        if (a.pass() != b.pass()) {
            return a.pass();
        }
        return a.p99() < b.p99();
    }

    Results.Step step(Target t, String transport, List<Client> clients, int rate, double seconds) throws Exception {
        Phase p = new Phase(seq.get());
        clients.forEach(c -> c.phase = p);
        ProcStats.Meter meter = new ProcStats.Meter(pids.get(t.name()));
        Publisher pub = new Publisher(t, rate, seconds);
        publishers.get(t.name()).answered = new Histogram();
        pub.run();
        Histogram answered = publishers.get(t.name()).answered;
        long expected = (long) pub.count * clients.size();
        awaitDrain(p, expected, DRAIN_MILLIS);
        double[] cores = meter.cores();
        long delivered = 0;
        for (Client c : clients) {
            delivered += c.received(pub.first, pub.first + pub.count);
        }
        Histogram h = p.latency;
        Results.Step s = new Results.Step(t.name(), transport, clients.size(), rate, seconds, pub.count, expected,
                delivered, expected - delivered, p.duplicates.sum(), pub.errors.get(), (int) p.disconnects.sum(),
                delivered / seconds, h.percentile(0.50) / 1000.0, h.percentile(0.99) / 1000.0,
                h.percentile(0.999) / 1000.0, h.max() / 1000.0, cores[0], cores[1], p.pollRequests.sum(), p.pollBytes.sum(),
                answered.percentile(0.5) / 1000.0, answered.percentile(0.99) / 1000.0, loadAverage());
        results.allSteps.add(s);
        log("publish answered (from scheduled time): p50=%.1f p99=%.1f max=%.1f ms", answered.percentile(0.5) / 1000.0,
                answered.percentile(0.99) / 1000.0, answered.max() / 1000.0);
        log("fanout %s %s subs=%d rate=%d: %.0f deliveries/s p50=%.1f p99=%.1f p99.9=%.1f max=%.1f ms lost=%d dup=%d pubErr=%d disc=%d cpu server=%.2f gen=%.2f load=%.1f %s",
                t.name(), transport, clients.size(), rate, s.deliveriesPerSecond(), s.p50(), s.p99(), s.p999(), s.max(),
                s.lost(), s.duplicates(), s.publishErrors(), s.disconnects(), s.serverCores(), s.generatorCores(),
                s.loadAverage(), s.pass() ? "PASS" : "FAIL");
        Thread.sleep(300);
        return s;
    }

    void storm(Target t) throws Exception {
        int n = mode.stormClients();
        List<Client> clients = clients(t, "mixed", n, true);
        connectAll(t, clients);
        Phase p = new Phase(seq.get());
        clients.forEach(c -> c.phase = p);
        ProcStats.Meter meter = new ProcStats.Meter(pids.get(t.name()));
        Publisher pub = new Publisher(t, mode.stormRate(), mode.stormBefore() + mode.stormAfter());
        Thread publishing = new Thread(pub::run, "storm-publisher");
        publishing.start();
        Thread.sleep((long) (mode.stormBefore() * 1000));
        p.dropSeq = pub.next.get();
        p.dropNanos = System.nanoTime();
        post(t.disconnectUrl(), "");
        publishing.join();
        long expected = (long) pub.count * n;
        // reconnecting thousands of clients on a busy machine takes seconds: wait longer before calling a message lost
        awaitDrain(p, expected, Math.max(DRAIN_MILLIS, 60_000), Math.max(QUIET_NANOS, stormQuietNanos()));
        double[] cores = meter.cores();
        long delivered = 0;
        int withLoss = 0;
        int reconnectClients = 0;
        int reconnected = 0;
        long reconnectMax = 0;
        List<Long> caught = new ArrayList<>();
        java.util.Map<String, long[]> byTransport = new java.util.TreeMap<>(); // {clients, with loss, lost deliveries}
        for (Client c : clients) {
            int got = c.received(pub.first, pub.first + pub.count);
            delivered += got;
            long[] bt = byTransport.computeIfAbsent(c.transport(), k -> new long[3]);
            bt[0]++;
            if (got < pub.count) {
                withLoss++;
                bt[1]++;
                bt[2] += pub.count - got;
            }
            if (!c.transport().equals("poll")) {
                reconnectClients++;
                if (c.reconnectedNanos != 0) {
                    reconnected++;
                    reconnectMax = Math.max(reconnectMax, c.reconnectedNanos - p.dropNanos);
                }
            }
            if (c.caughtUpNanos != 0) {
                caught.add(c.caughtUpNanos - p.dropNanos);
            }
        }
        caught.sort(null);
        double caughtP50 = caught.isEmpty() ? Double.NaN : caught.get(caught.size() / 2) / 1e6;
        double caughtMax = caught.isEmpty() ? Double.NaN : caught.get(caught.size() - 1) / 1e6;
        Results.Storm s = new Results.Storm(t.name(), n, mode.stormRate(), pub.count, expected, expected - delivered,
                p.duplicates.sum(), withLoss, reconnectClients, reconnected, reconnectMax / 1e6, caught.size(),
                caughtP50, caughtMax, cores[0], cores[1], lossText(byTransport));
        results.storms.add(s);
        log("storm %s loss by transport: %s", t.name(), s.lossByTransport());
        log("storm %s n=%d: reconnected %d/%d (max %.0f ms), caught up %d/%d (p50 %.0f ms, max %.0f ms), lost %d of %d, dup %d, clients with loss %d",
                t.name(), n, reconnected, reconnectClients, s.reconnectMaxMs(), caught.size(), n, caughtP50, caughtMax,
                s.lost(), expected, s.duplicates(), withLoss);
        teardown(t, clients);
    }

    // ---------------------------------------------------------------- clients

    List<Client> clients(Target t, String transport, int n, boolean reconnect) {
        return clients(t, transport, n, reconnect, false);
    }

    /** @param jdkPoller long-poll with the JDK HttpClient (idle capacity: no thread per connection) or a raw socket */
    List<Client> clients(Target t, String transport, int n, boolean reconnect, boolean jdkPoller) {
        List<Client> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String tr = transport.equals("mixed") ? TRANSPORTS[i % 3] : transport;
            HttpClient http = subscriberClients.get(i % subscriberClients.size());
            Client c = t.atmosphere() ? AtmosphereProtocol.client(t, tr, http, timer, jdkPoller) : switch (tr) {
                case "ws" -> new WsClient(t, http, timer);
                case "sse" -> new SseClient(t, http, timer);
                default -> jdkPoller ? new PollClient(t, http, timer) : new RawPollClient(t, timer);
            };
            if (reconnect) {
                c.reconnect = true;
            }
            list.add(c);
        }
        return list;
    }

    /** Opens the clients in batches, waiting for the server to hold each batch; returns the connections held. */
    int connectAll(Target t, List<Client> clients) throws Exception {
        int batch = 250;
        int held = 0;
        for (int i = 0; i < clients.size(); i += batch) {
            int end = Math.min(clients.size(), i + batch);
            for (int k = i; k < end; k++) {
                clients.get(k).connect();
            }
            held = awaitConnections(t, end, 30_000);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && clients.stream().anyMatch(c -> !c.connected)) {
            Thread.sleep(20);
        }
        long notReady = clients.stream().filter(c -> !c.connected).count();
        if (notReady > 0 || held < clients.size()) {
            log("WARNING: %d clients not confirmed, server holds %d of %d", notReady, held, clients.size());
            results.notes.add(t.name() + ": " + notReady + " of " + clients.size() + " clients not confirmed connected; server held " + held);
        }
        Thread.sleep(200); // subscriptions are live before confirmation; this only lets stragglers settle
        return held;
    }

    int awaitConnections(Target t, int wanted, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int n = connections(t);
        while (n < wanted && System.nanoTime() < deadline) {
            Thread.sleep(25);
            n = connections(t);
        }
        return n;
    }

    void teardown(Target t, List<Client> clients) throws Exception {
        clients.forEach(Client::stop);
        Thread.sleep(200);
        post(t.disconnectUrl(), "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int n;
        while ((n = connections(t)) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            if (n > 0) {
                post(t.disconnectUrl(), "");
            }
        }
        if (n > 0) {
            log("WARNING: %s still holds %d connections after teardown", t.name(), n);
        }
        clients.forEach(c -> c.phase = null);
        Thread.sleep(300);
    }

    /** Waits until the phase has {@code expected} deliveries or nothing arrived for 1.5 s (at most {@code max} ms). */
    void awaitDrain(Phase p, long expected, long max) throws InterruptedException {
        awaitDrain(p, expected, max, QUIET_NANOS);
    }

    void awaitDrain(Phase p, long expected, long max, long quietNanos) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(max);
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long d = p.deliveries.sum();
            if (d >= expected) {
                return;
            }
            if (d != last) {
                last = d;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > quietNanos) {
                return;
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- publishing

    /** Publishes {@code rate} msg/s for {@code seconds}, open loop: each payload carries its scheduled send time. */
    final class Publisher {
        final int rate;
        final int count;
        final long first;
        final AtomicLong next = new AtomicLong();
        final AtomicInteger errors = new AtomicInteger();
        final RawPublisher publisher;

        Publisher(Target target, int rate, double seconds) {
            this.publisher = publishers.get(target.name());
            this.rate = rate;
            this.count = Math.max(1, (int) Math.round(rate * seconds));
            this.first = seq.getAndAdd(count);
            next.set(first);
        }

        void run() {
            long interval = 1_000_000_000L / rate;
            int errors0 = publisher.errors.get();
            int done0 = publisher.done.get();
            long t0 = System.nanoTime() + 2_000_000;
            for (int i = 0; i < count; i++) {
                long at = t0 + i * interval;
                long wait;
                while ((wait = at - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long s = first + i;
                next.set(s);
                publisher.submit("{\"seq\":" + s + ",\"t\":" + at + "}");
            }
            next.set(first + count);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (publisher.done.get() - done0 < count && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            errors.set(publisher.errors.get() - errors0 + Math.max(0, count - (publisher.done.get() - done0)));
        }
    }

    // ---------------------------------------------------------------- admin HTTP

    int connections(Target t) throws IOException, InterruptedException {
        String body = get(t.statsUrl());
        String v = body.split(" ")[0].substring("connections=".length());
        return Integer.parseInt(v.trim());
    }

    /** {used heap after GC, threads}. */
    long[] heap(Target t) throws IOException, InterruptedException {
        String body = get(t.heapUrl());
        long used = 0;
        long threads = 0;
        for (String part : body.split(" ")) {
            if (part.startsWith("used=")) {
                used = Long.parseLong(part.substring(5));
            } else if (part.startsWith("threads=")) {
                threads = Long.parseLong(part.substring(8));
            }
        }
        return new long[]{used, threads};
    }

    String get(String url) throws IOException, InterruptedException {
        return adminHttp.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    void post(String url, String json) throws IOException, InterruptedException {
        adminHttp.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
    }

    static String lossText(java.util.Map<String, long[]> byTransport) {
        StringBuilder b = new StringBuilder();
        byTransport.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append(": ").append(v[1]).append('/')
                .append(v[0]).append(" clients lost ").append(v[2]));
        return b.toString();
    }

    /** The 1-minute load average: this machine is shared, so the report shows how busy it was. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, "[%tT] ", System.currentTimeMillis()) + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static int[] ints(String csv, int[] def) {
        return csv == null || csv.isBlank() ? def : Arrays.stream(csv.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }

    static String arr(int[] a) {
        return Arrays.toString(a);
    }
}
