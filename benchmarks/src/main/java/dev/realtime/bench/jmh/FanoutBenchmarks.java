package dev.realtime.bench.jmh;

import dev.realtime.Message;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Settings;
import dev.realtime.internal.Since;
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
 * The core's whole fan-out for one message: publish through the engine into a MemoryBus with 500
 * subscribed sessions, each session queuing a delivery with its cursor, then every queue taken
 * (what a transport's drain does before framing). Sessions with 1 or 64 channels: the cursor of a
 * delivery covers every channel of its connection.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class FanoutBenchmarks {
    @Param({"500"})
    public int sessions;
    @Param({"1", "64"})
    public int channelsPerSession;

    private final String data = "{\"text\":\"hello, this is a chat line of typical length\",\"user\":\"alice\"}";
    private BenchBus bus;
    private Engine engine;
    private ExecutorService executor;
    private final List<Session> subscribers = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
        bus = new BenchBus(1000);
        executor = Executors.newSingleThreadExecutor();
        Settings settings = new Settings(Map.of("realtime.queue.maxMessages", "100000", "realtime.connections.perAddress", "100000")::get);
        engine = new Engine(settings, bus.bus, Clock.systemUTC(), bus.scheduler, executor, false);
        for (int i = 0; i < sessions; i++) {
            Session s = engine.open(new Session.Output() {
                @Override
                public void wake() {
                    // the benchmark drains every queue itself after each publish
                }

                @Override
                public void terminate(Session.CloseCause cause) {
                }
            }, Integer.MAX_VALUE);
            List<String> channels = new ArrayList<>();
            channels.add("room:0");
            for (int c = 1; c < channelsPerSession; c++) {
                channels.add("room:" + i + ":" + c);
            }
            s.subscribeAll(channels, Since.NOW);
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

    /** One publish to 500 subscribers; divide by 500 for the cost per delivery. */
    @Benchmark
    public void publishToAll(Blackhole bh) {
        Message m = engine.publishJson("room:0", "message", data);
        bh.consume(m);
        for (Session s : subscribers) {
            Outbound o = s.poll();
            bh.consume(o);
        }
    }
}
