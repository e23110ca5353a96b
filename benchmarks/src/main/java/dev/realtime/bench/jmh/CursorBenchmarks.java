package dev.realtime.bench.jmh;

import dev.realtime.internal.Cursor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Cursor encode (done once per delivered message per connection) and decode (once per resume). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CursorBenchmarks {
    @Param({"1", "64"})
    public int channels;
    Cursor cursor;
    String text;
    /** A field, not a literal, so the JIT cannot fold the hash. */
    String channel = "room:42";

    @Setup
    public void setup() {
        Map<Long, Long> positions = new LinkedHashMap<>();
        for (int i = 0; i < channels; i++) {
            positions.put(Cursor.hash("room:" + i), 123_456L + i);
        }
        cursor = new Cursor("k3j5h2g7f1", positions);
        text = cursor.encode();
    }

    @Benchmark
    public String encode() {
        return cursor.encode();
    }

    @Benchmark
    public Cursor decode() {
        return Cursor.decode(text);
    }

    @Benchmark
    public long hashChannelName() {
        return Cursor.hash(channel);
    }
}
