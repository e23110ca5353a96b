package dev.realtime.servlet.internal;

import dev.realtime.Message;
import dev.realtime.internal.Cursor;
import dev.realtime.internal.Outbound;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out encoding: the message JSON (computed once per message, shared), and the per-subscriber work
 * every delivery pays: the SSE event and the WebSocket frame, which embed that subscriber's cursor.
 * (In the servlet module's package, on the class path, to reach the package-private encoders.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class FramingBenchmarks {
    static final String DATA = "{\"text\":\"hello, this is a chat line of typical length\",\"user\":\"alice\"}";
    long position;
    Outbound.Delivery delivery;
    String cursor;

    @Setup
    public void setup() {
        cursor = new Cursor("k3j5h2g7f1", Map.of(Cursor.hash("room:42"), 1234L)).encode();
        Message m = new Message("room:42", 1234, "message", DATA, 1764300000123L);
        m.jsonFields();
        delivery = new Outbound.Delivery(m, cursor, true);
    }

    /** Once per published message: a new Message and its JSON fields. */
    @Benchmark
    public String messageJsonFields() {
        return new Message("room:42", ++position, "message", DATA, 1764300000123L).jsonFields();
    }

    /** Once per delivery over SSE: {@code id: <cursor>\ndata: {...}\n\n} as UTF-8 bytes. */
    @Benchmark
    public byte[] sseEvent() {
        return SseStream.encode(delivery);
    }

    /** Once per delivery over WebSocket: {@code {"type":"message","cursor":..., fields}}. */
    @Benchmark
    public String wsFrame() {
        return Frames.encode(delivery);
    }
}
