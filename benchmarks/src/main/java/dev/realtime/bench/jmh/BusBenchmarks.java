package dev.realtime.bench.jmh;

import dev.realtime.Message;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.Published;
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

import java.util.concurrent.TimeUnit;

/** MemoryBus: publish into a full history (with N no-op listeners), and replay pages of history. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BusBenchmarks {

    @State(Scope.Benchmark)
    public static class PublishState {
        @Param({"0", "1000"})
        public int listeners;
        BenchBus bus;
        final String data = "{\"text\":\"hello, this is a chat line of typical length\",\"user\":\"alice\"}";

        @Setup(Level.Trial)
        public void setup() {
            bus = new BenchBus(1000);
            for (int i = 0; i < listeners; i++) {
                bus.bus.subscribe("room:1", new BusListener() {
                    @Override
                    public void onMessage(Message message) {
                        // a session would enqueue here
                    }
                });
            }
            for (int i = 0; i < 1000; i++) { // history full: every publish also evicts
                bus.bus.publish("room:1", "message", data, null);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bus.close();
        }
    }

    @Benchmark
    public Published publish(PublishState s) {
        return s.bus.bus.publish("room:1", "message", s.data, null);
    }

    @State(Scope.Benchmark)
    public static class ReplayState {
        @Param({"10", "256"})
        public int page;
        BenchBus bus;
        String epoch;

        @Setup(Level.Trial)
        public void setup() {
            bus = new BenchBus(1000);
            for (int i = 0; i < 1000; i++) {
                bus.bus.publish("room:1", "message", "{\"n\":" + i + "}", null);
            }
            epoch = bus.bus.epoch();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bus.close();
        }
    }

    /** Replays the newest {@code page} messages (a client that missed a few, or a long-poll page). */
    @Benchmark
    public void replayNewest(ReplayState s, Blackhole bh) {
        HistoryPage p = s.bus.bus.read("room:1", s.epoch, 1000 - s.page, s.page);
        bh.consume(p);
    }

    /** Replays from the oldest retained message (worst case: the iterator skips nothing but reads a full page). */
    @Benchmark
    public void replayOldest(ReplayState s, Blackhole bh) {
        HistoryPage p = s.bus.bus.read("room:1", s.epoch, 0, s.page);
        bh.consume(p);
    }

    /** Replays the last page from the far end (the read skips ~1,000 - page entries before the page). */
    @Benchmark
    public void replaySkipToEnd(ReplayState s, Blackhole bh) {
        HistoryPage p = s.bus.bus.read("room:1", s.epoch, 999, s.page);
        bh.consume(p);
    }
}
