package dev.realtime.bench.scale;

import dev.realtime.Message;
import dev.realtime.redis.RedisBusProvider;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.MessageBus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One library node of the scale benchmark, in its own JVM: the Redis bus as an engine creates it,
 * subscribed to every channel (so each message reaches every node), publishing its share of the rate
 * over the channels. It records, for each message another node published, the time from publish to
 * delivery here ({@link System#nanoTime()} is CLOCK_MONOTONIC on Linux, shared by the processes of one
 * machine), and writes them to a file for {@link ScaleMain}.
 *
 * <p>Protocol with the coordinator: prints {@code READY} once subscribed, starts on a line {@code GO}
 * from stdin, prints {@code DONE published errors received} at the end.
 *
 * <p>Arguments: uri, node index, channels, messages per second for this node, seconds, latency file.
 */
public final class ScaleNode {
    /** Publishing blocks for a round-trip; enough threads keep the rate when the machine is slow to answer. */
    private static final int PUBLISHERS = 32;

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int me = Integer.parseInt(args[1]);
        int channels = Integer.parseInt(args[2]);
        double rate = Double.parseDouble(args[3]);
        int seconds = Integer.parseInt(args[4]);
        Path out = Path.of(args[5]);

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        BusContext context = new BusContext() {
            @Override
            public int historySize() {
                return 1000;
            }

            @Override
            public Duration historyAge() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Optional<String> parameter(String name) {
                return Optional.ofNullable(Map.of("realtime.redis.uri", uri, "realtime.redis.prefix", "scale:",
                        "realtime.redis.timeout", "5000").get(name));
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        };
        MessageBus bus = new RedisBusProvider().create(context);
        long[] latencies = new long[(int) Math.min(50_000_000, rate * seconds * 64 + 1000)];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        BusListener listener = new BusListener() {
            @Override
            public void onMessage(Message m) {
                long now = System.nanoTime();
                received.incrementAndGet();
                String d = m.data(); // [node,nanoTime]
                int comma = d.indexOf(',');
                if (Integer.parseInt(d.substring(1, comma)) != me) {
                    int i = recorded.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = now - Long.parseLong(d.substring(comma + 1, d.length() - 1));
                    }
                }
            }
        };
        for (int c = 0; c < channels; c++) {
            bus.subscribe("scale-" + c, listener);
        }
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"GO".equals(in.readLine())) {
            return;
        }

        AtomicLong published = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        Thread[] threads = new Thread[PUBLISHERS];
        for (int t = 0; t < PUBLISHERS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                // each thread publishes at rate / PUBLISHERS, on its own schedule (no catching up past a stall)
                double interval = TimeUnit.SECONDS.toNanos(1) * PUBLISHERS / rate;
                long next = start + (long) (interval * thread / PUBLISHERS);
                int n = thread;
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        return;
                    }
                    if (now < next) {
                        LockSupport.parkNanos(next - now);
                        continue;
                    }
                    next = Math.max(next + (long) interval, now - TimeUnit.MILLISECONDS.toNanos(100));
                    try {
                        bus.publish("scale-" + (n++ % channels), "message", "[" + me + "," + System.nanoTime() + "]", null);
                        published.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }, "publisher-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Thread.sleep(2000); // deliveries in flight
        int n = Math.min(recorded.get(), latencies.length);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < n; i++) {
                w.println(latencies[i] / 1000); // microseconds
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("DONE " + published.get() + " " + errors.get() + " " + received.get());
        System.out.flush();
        bus.close();
        scheduler.shutdownNow();
    }
}
