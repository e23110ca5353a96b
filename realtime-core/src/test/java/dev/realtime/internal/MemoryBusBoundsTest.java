package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.spi.Published;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.realtime.internal.SessionTest.data;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21, items 3-5, on a real engine and in-memory bus: what one client can make the bus keep is
 * bounded, measured both as the bus's own estimate and as heap left after a full GC.
 */
class MemoryBusBoundsTest {
    static final long MIB = 1 << 20;
    final TestBusContext ctx = new TestBusContext(1000, Duration.ofMinutes(10), Map.of());
    Engine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        ctx.close();
    }

    Engine engine(Map<String, String> params) {
        Settings settings = new Settings(params::get);
        MemoryBus bus = new MemoryBus(Engines.context(settings, ctx.clock(), ctx.scheduler()));
        engine = new Engine(settings, bus, ctx.clock(), ctx.scheduler(), new DirectExecutor(), false);
        return engine;
    }

    MemoryBus bus() {
        return (MemoryBus) engine.bus();
    }

    static long heapAfterGc() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) { // the lowest of a few full collections: what is really still referenced
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, r.totalMemory() - r.freeMemory());
        }
        return used;
    }

    @Test
    void oneClientPostingLargeBodiesToManyChannelsCannotPushHistoryPastItsByteBound() throws Exception {
        engine(Map.of(Settings.HISTORY_MAX_BYTES, Long.toString(32 * MIB)));
        String body = "\"" + "x".repeat(60 * 1024 - 2) + "\""; // 60 KiB, under realtime.message.maxSize
        long before = heapAfterGc();
        // 12 channels x 400 messages = 281 MiB of payload, every message within the documented limits
        for (int i = 0; i < 400; i++) {
            for (int c = 0; c < 12; c++) {
                engine.publishJson("big:" + c, null, body);
            }
        }
        long grown = heapAfterGc() - before;
        System.out.printf("history: %d MiB kept by estimate (bound 32 MiB), heap grew %d MiB after GC for 281 MiB published%n",
                bus().historyBytes() / MIB, grown / MIB);
        assertThat(bus().historyBytes()).isLessThanOrEqualTo(32 * MIB);
        assertThat(grown).as("heap kept after GC").isLessThan(40 * MIB);

        // the oldest went first, across channels: a resume from the start of channel 0 is told of its gap
        Session s = engine.open(new SessionTest.RecordingOutput(), 1);
        s.subscribeAll(List.of("big:0"), new Since.After(new Cursor(engine.bus().epoch(), Map.of(Cursor.hash("big:0"), 0L))));
        List<Outbound> items = s.drain().items();
        assertThat(items.get(0)).isEqualTo(new Outbound.Gap("big:0"));
        assertThat(((Outbound.Delivery) items.get(1)).message().position()).isGreaterThan(300);
    }

    @Test
    void aHundredThousandChannelsPolledOnceLeaveNoChannelState() throws Exception {
        engine(Map.of());
        long before = heapAfterGc();
        for (int i = 0; i < 100_000; i++) {
            Session poll = engine.open(new SessionTest.RecordingOutput(), 1000, "203.0.113.9", ChannelAccess.ALL);
            poll.subscribeAll(List.of("probe:" + i), Since.NOW);
            poll.drain();
            poll.close();
        }
        long grown = heapAfterGc() - before;
        System.out.printf("100,000 channels polled once: %d channels left, heap grew %d KiB after GC%n",
                bus().channelCount(), grown / 1024);
        assertThat(bus().channelCount()).isZero();
        assertThat(engine.sessionCount()).isZero();
        assertThat(grown).as("heap kept after GC").isLessThan(4 * MIB);
    }

    @Test
    void aChannelWhoseHistoryExpiredIsReleasedAndNeverReusesAPosition() {
        engine(Map.of());
        for (int i = 1; i <= 3; i++) {
            engine.publishJson("quiet", null, Integer.toString(i));
        }
        String atHead = cursorAfter("quiet", 3);
        String behind = cursorAfter("quiet", 1);
        ctx.clock().advance(Duration.ofMinutes(11));
        Session passerby = engine.open(new SessionTest.RecordingOutput(), 1000);
        passerby.subscribeAll(List.of("quiet"), Since.NOW);
        passerby.close(); // the last listener leaves a channel with nothing retained
        assertThat(bus().channelCount()).isZero();

        engine.publishJson("quiet", null, "4");
        assertThat(engine.bus().head("quiet")).as("positions go on from the released head").isEqualTo(4);
        Session caughtUp = engine.open(new SessionTest.RecordingOutput(), 1000);
        caughtUp.subscribeAll(List.of("quiet"), Since.parse(atHead));
        assertThat(data(caughtUp)).containsExactly("4");
        Session late = engine.open(new SessionTest.RecordingOutput(), 1000);
        late.subscribeAll(List.of("quiet"), Since.parse(behind));
        assertThat(data(late)).containsExactly("gap:quiet", "4");
    }

    String cursorAfter(String channel, long position) {
        return new Cursor(engine.bus().epoch(), Map.of(Cursor.hash(channel), position)).encode();
    }

    @Test
    void idempotencyKeysAreBoundedByCountPerChannelOldestForgottenFirst() {
        engine(Map.of(Settings.IDEMPOTENCY_MAX_KEYS, "100"));
        for (int i = 0; i < 150; i++) {
            engine.bus().publish("a", "message", "1", "key-" + i);
        }
        assertThat(engine.bus().publish("a", "message", "1", "key-149").duplicate()).isTrue();
        assertThat(engine.bus().publish("a", "message", "1", "key-50").duplicate()).isTrue();
        Published forgotten = engine.bus().publish("a", "message", "1", "key-49");
        assertThat(forgotten.duplicate()).as("the oldest key beyond 100 is forgotten").isFalse();
    }

    @Test
    void idempotencyKeysAreBoundedInBytesAcrossChannels() throws Exception {
        engine(Map.of(Settings.IDEMPOTENCY_MAX_KEYS, "1000000", Settings.IDEMPOTENCY_MAX_BYTES, Long.toString(MIB),
                Settings.HISTORY_MAX_BYTES, Long.toString(MIB)));
        long before = heapAfterGc();
        // one client within its rate: 50,000 publishes with 128-character keys on one channel
        String prefix = "k".repeat(120);
        for (int i = 0; i < 50_000; i++) {
            engine.bus().publish("keys", "message", "1", prefix + String.format("%08d", i));
        }
        long grown = heapAfterGc() - before;
        System.out.printf("50,000 idempotency keys: %d KiB kept by estimate (bound 1 MiB), heap grew %d KiB after GC%n",
                bus().keyBytes() / 1024, grown / 1024);
        assertThat(bus().keyBytes()).isLessThanOrEqualTo(MIB);
        assertThat(grown).as("heap kept after GC (keys and history, each bound 1 MiB)").isLessThan(4 * MIB);
        assertThat(engine.bus().publish("keys", "message", "1", prefix + String.format("%08d", 49_999)).duplicate()).isTrue();
        assertThat(engine.bus().publish("keys", "message", "1", prefix + String.format("%08d", 0)).duplicate()).isFalse();
    }
}
