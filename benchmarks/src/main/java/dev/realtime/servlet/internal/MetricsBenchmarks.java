package dev.realtime.servlet.internal;

import dev.realtime.bench.jmh.BenchBus;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Settings;
import dev.realtime.internal.Since;
import dev.realtime.internal.metrics.Metrics;
import dev.realtime.internal.metrics.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the metrics on the fan-out hot path: one publish to 500 WebSocket sessions, each
 * delivery taken from its queue, framed as the WebSocket transport frames it, and counted as the
 * transport counts it (delivered, lag, UTF-8 bytes). {@code metrics}: {@code off}
 * ({@code realtime.metrics.enabled=false}), {@code on} (counts and MBeans, no Micrometer), or
 * {@code micrometer} (also a SimpleMeterRegistry bound, whose timer records every lag). BENCHMARKS.md,
 * "Cost of metrics".
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MetricsBenchmarks {
    @Param({"off", "on", "micrometer"})
    public String metrics;
    @Param({"500"})
    public int sessions;

    private final String data = "{\"text\":\"hello, this is a chat line of typical length\",\"user\":\"alice\"}";
    private BenchBus bus;
    private Engine engine;
    private ExecutorService executor;
    private final List<Session> subscribers = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
        bus = new BenchBus(1000);
        executor = Executors.newSingleThreadExecutor();
        Settings settings = new Settings(Map.of("realtime.queue.maxMessages", "100000", "realtime.connections.perAddress", "100000",
                "realtime.metrics.enabled", Boolean.toString(!metrics.equals("off")))::get);
        engine = new Engine(settings, bus.bus, Clock.systemUTC(), bus.scheduler, executor, false);
        engine.exposure().start("/bench-" + metrics);
        if (metrics.equals("micrometer")) {
            engine.bindMeterRegistry(new SimpleMeterRegistry());
        }
        for (int i = 0; i < sessions; i++) {
            Session s = engine.open(new Session.Output() {
                @Override
                public void wake() {
                    // the benchmark drains every queue itself after each publish
                }

                @Override
                public void terminate(Session.CloseCause cause) {
                }

                @Override
                public Transport transport() {
                    return Transport.WEBSOCKET;
                }
            }, Integer.MAX_VALUE);
            s.subscribeAll(List.of("room:0"), Since.NOW);
            subscribers.add(s);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        subscribers.forEach(Session::close);
        engine.close();
        executor.shutdownNow();
        bus.close();
    }

    /** One publish to 500 subscribers, each delivery framed and counted; divide by 500 for the cost per delivery. */
    @Benchmark
    public void publishFrameAndCount(Blackhole bh) {
        bh.consume(engine.publishJson("room:0", "message", data));
        Metrics m = engine.metrics();
        for (Session s : subscribers) {
            Outbound o = s.poll();
            String frame = Frames.encode(o);
            m.sent(Transport.WEBSOCKET, o);
            m.wroteFrame(Transport.WEBSOCKET, o, frame);
            bh.consume(frame);
        }
    }
}
