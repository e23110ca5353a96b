package dev.realtime.bench.load;

import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Many channels: {@code channels} channels with {@code perChannel} subscribers each (one population per
 * run: ws, sse, poll, or mixed, one third each transport), and a publisher spreading its messages round
 * robin over all channels at R msg/s (open loop, as in the one-channel fan-out). Per step: deliveries/s,
 * latency, lost and duplicates (must be 0), server and generator CPU. Rates go up until the second failed
 * rate (the same rule and knee definition as the fan-out sweep), the targets alternating at every rate.
 *
 * <p>Baseline subscribers and publishes name their channel with {@code ?channel=}; the library's URLs
 * have their {@code channel=bench} replaced ({@link Target#withChannel}).
 */
final class ManyChannels {
    /** Sizes of a mode (quick: 200 x 2, mixed only, one rate; full: 1,000 x 3, each transport and mixed, a sweep); overrides: -Dbench.channels, -Dbench.perChannel, -Dbench.channelRates, -Dbench.channelTransports. */
    record Settings(int channels, int perChannel, int[] rates, double stepSeconds, int repeats, List<String> populations) {
        int connections() {
            return channels * perChannel;
        }
    }

    private ManyChannels() {
    }

    static Settings settings(LoadMain.Mode mode) {
        boolean full = mode.name().startsWith("full");
        return new Settings(
                Integer.getInteger("bench.channels", full ? 1000 : 200),
                Integer.getInteger("bench.perChannel", full ? 3 : 2),
                LoadMain.ints(System.getProperty("bench.channelRates"), full ? new int[]{250, 500, 1000, 2000, 4000} : new int[]{400}),
                full ? 4.0 : 2.0,
                full ? 2 : 1,
                List.of(System.getProperty("bench.channelTransports", full ? "ws,sse,poll,mixed" : "mixed").split(",")));
    }

    static String channelName(int i) {
        return "c" + i;
    }

    static void run(LoadMain main, List<Target> targets) throws Exception {
        Settings st = settings(main.mode);
        main.results.notes.add(String.format(java.util.Locale.ROOT,
                "many channels: %d channels x %d subscribers = %d connections per population, rates %s msg/s spread round robin over the channels, %.0f s per step, best of %d",
                st.channels(), st.perChannel(), st.connections(), Arrays.toString(st.rates()), st.stepSeconds(), st.repeats()));
        List<Results.Step> every = new ArrayList<>();
        for (String population : st.populations()) {
            sweep(main, targets, population, st, every);
        }
        StringBuilder csv = new StringBuilder("target,population,channels,perChannel,rate,published,expected,delivered,lost,duplicates,publishErrors,disconnects,deliveriesPerSecond,p50ms,p99ms,p999ms,maxms,serverCores,generatorCores,loadAverage,pass\n");
        for (Results.Step s : every) {
            csv.append(String.join(",", s.target(), s.transport(), "" + st.channels(), "" + st.perChannel(), "" + s.rate(),
                    "" + s.published(), "" + s.expected(), "" + s.delivered(), "" + s.lost(), "" + s.duplicates(),
                    "" + s.publishErrors(), "" + s.disconnects(), "" + s.deliveriesPerSecond(), "" + s.p50(), "" + s.p99(),
                    "" + s.p999(), "" + s.max(), "" + s.serverCores(), "" + s.generatorCores(), "" + s.loadAverage(),
                    "" + s.pass())).append('\n');
        }
        Files.writeString(main.raw.resolve("channels.csv"), csv.toString());
    }

    private static void sweep(LoadMain main, List<Target> targets, String population, Settings st, List<Results.Step> every)
            throws Exception {
        Map<Target, List<Client>> clients = new LinkedHashMap<>();
        for (Target t : targets) {
            List<Client> list = main.clients(t, population, st.connections(), false);
            for (int i = 0; i < list.size(); i++) {
                list.get(i).channel = channelName(i / st.perChannel());
            }
            clients.put(t, list);
            main.connectAll(t, list);
        }
        Map<Target, Integer> failures = new HashMap<>();
        for (int rate : st.rates()) {
            for (Target t : targets) {
                if (failures.getOrDefault(t, 0) >= 2) {
                    continue; // the sweep of a target stops at its second failed rate
                }
                Results.Step best = null;
                for (int rep = 0; rep < st.repeats(); rep++) {
                    Results.Step r = step(main, t, population, clients.get(t), st, rate);
                    every.add(r);
                    if (best == null || LoadMain.better(r, best)) {
                        best = r;
                    }
                    if (best.pass() || r.lost() > 0 || r.disconnects() > 0) {
                        break;
                    }
                }
                main.results.channelSteps.add(best);
                if (!best.pass()) {
                    failures.merge(t, 1, Integer::sum);
                }
            }
            if (targets.stream().allMatch(t -> failures.getOrDefault(t, 0) >= 2)) {
                break;
            }
        }
        for (Target t : targets) {
            main.teardown(t, clients.get(t));
        }
    }

    static Results.Step step(LoadMain main, Target t, String population, List<Client> clients, Settings st, int rate)
            throws Exception {
        int[] subscribers = new int[st.channels()];
        for (Client c : clients) {
            subscribers[Integer.parseInt(c.channel.substring(1))]++;
        }
        String[] paths = new String[st.channels()];
        for (int i = 0; i < paths.length; i++) {
            URI u = URI.create(t.withChannel(t.publishUrl(), channelName(i)));
            paths[i] = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        }
        RawPublisher publisher = main.publishers.get(t.name());
        int count = Math.max(1, (int) Math.round(rate * st.stepSeconds()));
        long first = main.seq.getAndAdd(count);
        Phase p = new Phase(first);
        clients.forEach(c -> c.phase = p);
        ProcStats.Meter meter = new ProcStats.Meter(main.pids.get(t.name()));
        publisher.answered = new Histogram();
        int errors0 = publisher.errors.get();
        int done0 = publisher.done.get();
        long expected = 0;
        long interval = 1_000_000_000L / rate;
        long t0 = System.nanoTime() + 2_000_000;
        for (int i = 0; i < count; i++) { // open loop: the payload carries the scheduled send time
            long at = t0 + i * interval;
            long wait;
            while ((wait = at - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int ch = i % st.channels();
            expected += subscribers[ch];
            publisher.submit("{\"seq\":" + (first + i) + ",\"t\":" + at + "}", paths[ch]);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (publisher.done.get() - done0 < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        int publishErrors = publisher.errors.get() - errors0 + Math.max(0, count - (publisher.done.get() - done0));
        main.awaitDrain(p, expected, LoadMain.DRAIN_MILLIS);
        double[] cores = meter.cores();
        long delivered = 0;
        for (Client c : clients) {
            delivered += c.received(first, first + count);
        }
        Histogram h = p.latency;
        Histogram answered = publisher.answered;
        double seconds = st.stepSeconds();
        Results.Step s = new Results.Step(t.name(), population, clients.size(), rate, seconds, count, expected,
                delivered, expected - delivered, p.duplicates.sum(), publishErrors, (int) p.disconnects.sum(),
                delivered / seconds, h.percentile(0.50) / 1000.0, h.percentile(0.99) / 1000.0,
                h.percentile(0.999) / 1000.0, h.max() / 1000.0, cores[0], cores[1], p.pollRequests.sum(), p.pollBytes.sum(),
                answered.percentile(0.5) / 1000.0, answered.percentile(0.99) / 1000.0, LoadMain.loadAverage());
        LoadMain.log("channels %s %s %dx%d rate=%d: %.0f deliveries/s p50=%.1f p99=%.1f p99.9=%.1f max=%.1f ms lost=%d dup=%d pubErr=%d disc=%d cpu server=%.2f gen=%.2f load=%.1f %s",
                t.name(), population, st.channels(), st.perChannel(), rate, s.deliveriesPerSecond(), s.p50(), s.p99(), s.p999(),
                s.max(), s.lost(), s.duplicates(), s.publishErrors(), s.disconnects(), s.serverCores(), s.generatorCores(),
                s.loadAverage(), s.pass() ? "PASS" : "FAIL");
        Thread.sleep(300);
        return s;
    }
}
