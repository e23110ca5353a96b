package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.realtime.redis.Recorder.sleep;
import static dev.realtime.redis.Recorder.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis going away and coming back, Redis losing its data, and several nodes sharing one Redis. */
class RedisBusFailureTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1000);
    private RedisServer redis;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redis = RedisServer.startOrSkip();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private MessageBus node() {
        return node(redis, false);
    }

    /** A node on {@code server}; {@code durable}: realtime.redis.durable (a persistent server keeps its epoch). */
    private MessageBus node(RedisServer server, boolean durable) {
        TestBusContext context = new TestBusContext(100, Duration.ofMinutes(10), Map.of(
                RedisSettings.URI, server.uri(), RedisSettings.TIMEOUT, Long.toString(TIMEOUT.toMillis()),
                RedisSettings.DURABLE, Boolean.toString(durable)));
        toClose.add(context);
        MessageBus bus = new RedisBusProvider().create(context);
        toClose.add(bus);
        return bus;
    }

    /**
     * An idle node keeps its connections: each (the bus's commands and pub/sub, presence's pub/sub) is
     * pinged, so none reads nothing for the 5 s after which a silent one is closed and reconnected.
     */
    @Test
    void anIdleNodeKeepsEveryConnection() throws Exception {
        node();
        List<String> before = clients();
        assertThat(before).as("commands, pub/sub, presence's pub/sub").hasSize(3);
        sleep(6500);
        assertThat(clients()).as("the same connections after more than the 5 s of silence that close one").isEqualTo(before);
    }

    /** The ids of the clients connected to Redis, but the one asking. */
    private List<String> clients() throws java.io.IOException {
        return ((String) redis.call("CLIENT", "LIST")).lines().filter(l -> !l.contains("cmd=client|list") && !l.contains("cmd=client "))
                .map(l -> l.split(" ")[0]).sorted().toList();
    }

    @Test
    void redisKilledAndRestartedDuringAStream() throws Exception {
        MessageBus bus = node();
        String oldEpoch = bus.epoch();
        Recorder live = new Recorder();
        bus.subscribe("stream", live);

        // a publisher keeps publishing every 5 ms through the whole outage
        List<Published> accepted = new CopyOnWriteArrayList<>();
        List<Long> refusalMillis = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                long start = System.nanoTime();
                try {
                    accepted.add(bus.publish("stream", "message", Integer.toString(n++), null));
                } catch (BusUnavailableException e) {
                    refusalMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                } catch (Throwable t) {
                    unexpected.add(t);
                }
                sleep(5);
            }
        }, "test-publisher");
        publisher.start();
        try {
            assertThat(waitFor(() -> live.messages.size() >= 20, 10)).as("live messages before the outage").isTrue();
            long lastBeforeKill = live.messages.get(live.messages.size() - 1).position();

            redis.kill();
            assertThat(waitFor(() -> refusalMillis.size() >= 20, 10)).as("publishes refused while Redis is down").isTrue();
            assertThatThrownBy(() -> bus.read("stream", oldEpoch, 0, 10)).isInstanceOf(BusUnavailableException.class)
                    .hasMessageContaining("unavailable");
            assertThatThrownBy(() -> bus.head("stream")).isInstanceOf(BusUnavailableException.class);
            assertThat(refusalMillis).as("each refusal came within the command timeout (%s), never hanging", TIMEOUT)
                    .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(TIMEOUT.toMillis() + 500));
            int acceptedBeforeRestart = accepted.size();

            redis.start();
            assertThat(waitFor(() -> live.resyncs.contains("stream"), 15))
                    .as("listeners are told to resync once Redis is back").isTrue();
            assertThat(waitFor(() -> accepted.size() > acceptedBeforeRestart + 20, 15))
                    .as("publishing works again after the restart").isTrue();
            stop.set(true);
            publisher.join(10_000);

            assertThat(unexpected).as("only BusUnavailableException while Redis was down").isEmpty();
            assertThat(bus.epoch()).as("Redis lost its data, so the epoch is new").isNotEqualTo(oldEpoch);

            // a session that had everything up to lastBeforeKill resumes from the streams with a gap
            HistoryPage page = bus.read("stream", oldEpoch, lastBeforeKill, 10_000);
            assertThat(page.gap()).isTrue();
            List<Long> afterRestart = accepted.subList(acceptedBeforeRestart, accepted.size()).stream()
                    .map(Published::position).toList();
            assertThat(page.messages()).extracting(Message::position).containsExactlyElementsOf(afterRestart);

            // and the live subscription carries new messages again, in order
            int before = live.messages.size();
            Published fresh = bus.publish("stream", "message", "\"fresh\"", null);
            assertThat(waitFor(() -> live.messages.stream().skip(before).anyMatch(m -> m.position() == fresh.position()
                    && m.data().equals("\"fresh\"")), 10)).as("live delivery after the restart").isTrue();
        } finally {
            stop.set(true);
            publisher.join(10_000);
        }
    }

    @Test
    void aLostPubSubConnectionResyncsFromTheStreamsWithoutGap() throws Exception {
        MessageBus bus = node();
        String epoch = bus.epoch();
        Recorder live = new Recorder();
        bus.subscribe("resync", live);
        List<Published> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(bus.publish("resync", "message", Integer.toString(i), null));
        }
        assertThat(waitFor(() -> live.messages.size() == 3, 10)).isTrue();

        assertThat(redis.send("CLIENT KILL TYPE pubsub")).isEqualTo(":1");
        List<Published> meanwhile = new ArrayList<>();
        for (int i = 3; i < 8; i++) {
            meanwhile.add(bus.publish("resync", "message", Integer.toString(i), null));
        }
        assertThat(waitFor(() -> live.resyncs.contains("resync"), 15)).as("onResync after the reconnect").isTrue();
        assertThat(bus.epoch()).as("Redis kept its data: same epoch").isEqualTo(epoch);

        HistoryPage page = bus.read("resync", epoch, first.get(2).position(), 100);
        assertThat(page.gap()).isFalse();
        assertThat(page.messages()).extracting(Message::position)
                .containsExactlyElementsOf(meanwhile.stream().map(Published::position).toList());

        Published after = bus.publish("resync", "message", "\"after\"", null);
        assertThat(waitFor(() -> live.messages.stream().anyMatch(m -> m.position() == after.position()), 10))
                .as("live delivery after the reconnect").isTrue();
    }

    @Test
    void aFlushedRedisGivesANewEpochAndEveryNodeResyncs() throws Exception {
        MessageBus a = node();
        MessageBus b = node();
        Recorder onA = new Recorder();
        a.subscribe("room", onA);
        a.publish("room", "message", "1", null);
        Published second = a.publish("room", "message", "2", null);
        String oldEpoch = a.epoch();
        assertThat(b.epoch()).as("nodes share the epoch").isEqualTo(oldEpoch);

        assertThat(redis.send("FLUSHALL")).isEqualTo("+OK");
        Published afterFlush = b.publish("room", "message", "\"after\"", null);
        assertThat(b.epoch()).isNotEqualTo(oldEpoch);
        assertThat(waitFor(() -> onA.resyncs.contains("room"), 10)).as("node A notices the new epoch").isTrue();
        assertThat(a.epoch()).isEqualTo(b.epoch());

        HistoryPage page = a.read("room", oldEpoch, second.position(), 100);
        assertThat(page.gap()).isTrue();
        assertThat(page.messages()).extracting(Message::data).containsExactly("\"after\"");
        assertThat(page.messages().get(0).position()).isEqualTo(afterFlush.position());
    }

    /**
     * Issue 21, item 2: a Redis restarted from an older snapshot (or a failover to a lagging replica)
     * brings back the old epoch with older counters; positions handed out after the snapshot would be
     * handed out again. The restored data must count as a new epoch, so old cursors get a gap.
     */
    @Test
    void aRedisRestoredFromAnOlderSnapshotStartsANewEpochSoNoPositionIsReused() throws Exception {
        MessageBus a = node();
        MessageBus b = node();
        Recorder onB = new Recorder();
        b.subscribe("snap", onB);
        for (int i = 1; i <= 3; i++) {
            a.publish("snap", "message", Integer.toString(i), null);
        }
        assertThat(redis.send("SAVE")).isEqualTo("+OK");
        Published last = null;
        for (int i = 4; i <= 6; i++) {
            last = a.publish("snap", "message", Integer.toString(i), null);
        }
        String oldEpoch = a.epoch();
        assertThat(last.position()).isEqualTo(6);

        redis.kill();
        redis.start(); // reloads the snapshot: counter 3, the old epoch key
        Published afterRestore = publishWhenBack(b, "snap", "\"after\"");

        assertThat(b.epoch()).as("restored data is a new epoch").isNotEqualTo(oldEpoch);
        assertThat(waitFor(() -> oldEpoch != null && !a.epoch().equals(oldEpoch), 10)).as("node A leaves the old epoch too").isTrue();
        assertThat(a.epoch()).isEqualTo(b.epoch());
        HistoryPage resumed = a.read("snap", oldEpoch, last.position(), 100);
        assertThat(resumed.gap()).as("a cursor of the old epoch gets a gap").isTrue();
        assertThat(resumed.messages()).extracting(Message::data).contains("\"after\"");
        assertThat(waitFor(() -> onB.resyncs.contains("snap"), 10)).as("live subscribers resync").isTrue();
        assertThat(afterRestore.duplicate()).isFalse();
    }

    @Test
    void aDurableRedisRestartedWithAllItsDataKeepsTheEpochWhenConfiguredSo() throws Exception {
        redis.close();
        redis = RedisServer.startPersistentIfInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        TestBusContext context = new TestBusContext(100, Duration.ofMinutes(10), Map.of(
                RedisSettings.URI, redis.uri(), RedisSettings.TIMEOUT, Long.toString(TIMEOUT.toMillis()),
                RedisSettings.DURABLE, "true"));
        toClose.add(context);
        MessageBus bus = new RedisBusProvider().create(context);
        toClose.add(bus);
        Published before = bus.publish("kept", "message", "1", null);
        String epoch = bus.epoch();
        redis.kill();
        redis.start(); // appendfsync always: everything acknowledged is back
        Published after = publishWhenBack(bus, "kept", "2");
        assertThat(bus.epoch()).as("realtime.redis.durable=true: a restart keeps the epoch").isEqualTo(epoch);
        assertThat(after.position()).isEqualTo(before.position() + 1);
        HistoryPage page = bus.read("kept", epoch, before.position(), 10);
        assertThat(page.gap()).isFalse();
        assertThat(page.messages()).extracting(Message::data).containsExactly("2");
    }

    @Test
    void aFlushedScriptCacheOnTheSameRedisKeepsTheEpoch() throws Exception {
        MessageBus a = node();
        a.publish("keep", "message", "1", null);
        String epoch = a.epoch();
        assertThat(redis.send("SCRIPT FLUSH")).isEqualTo("+OK");
        Published next = a.publish("keep", "message", "2", null);
        assertThat(a.epoch()).as("the same Redis process still holds the data it guards").isEqualTo(epoch);
        HistoryPage page = a.read("keep", epoch, next.position() - 1, 10);
        assertThat(page.gap()).isFalse();
        assertThat(page.messages()).extracting(Message::data).containsExactly("2");
    }

    private static Published publishWhenBack(MessageBus bus, String channel, String data) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return bus.publish(channel, "message", data, null);
            } catch (BusUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    @Test
    void aLateMessageOfARetiredEpochNeitherSwitchesTheEpochBackNorIsDelivered() throws Exception {
        MessageBus a = node();
        Recorder onA = new Recorder();
        a.subscribe("late", onA);
        String oldEpoch = a.epoch();
        assertThat(redis.send("FLUSHALL")).isEqualTo("+OK");
        a.publish("late", "message", "\"new\"", null);
        String newEpoch = a.epoch();
        assertThat(newEpoch).isNotEqualTo(oldEpoch);
        // the live "new" may be dropped in favour of the resync (when it overtakes the publish's reply): both are fine
        assertThat(waitFor(() -> onA.resyncs.contains("late"), 10)).isTrue();
        int before = onA.messages.size();

        // a message published under the old epoch, arriving only now (as one in flight during a flush would)
        assertThat(redis.command("PUBLISH", "realtime:m:late", oldEpoch + "\n7\n1\nmessage\n\"stale\"")).isEqualTo(":1");
        a.publish("late", "message", "\"after\"", null);
        assertThat(waitFor(() -> onA.messages.stream().anyMatch(m -> m.data().equals("\"after\"")), 10)).isTrue();
        sleep(200);
        // "new", if delivered live, may come after the resync was recorded (pub/sub and the resync run on different threads)
        assertThat(onA.messages.subList(before, onA.messages.size())).extracting(Message::data)
                .filteredOn(data -> !data.equals("\"new\""))
                .as("the stale message is not delivered").containsExactly("\"after\"");
        assertThat(a.epoch()).isEqualTo(newEpoch);
        assertThat(onA.resyncs).as("no second resync").hasSize(1);
    }

    @Test
    void idempotencyKeysAreSharedAcrossNodes() {
        MessageBus a = node();
        MessageBus b = node();
        Recorder onB = new Recorder();
        b.subscribe("orders", onB);

        Published first = a.publish("orders", "message", "\"once\"", "order-17");
        Published repeat = b.publish("orders", "message", "\"once\"", "order-17");
        assertThat(first.duplicate()).isFalse();
        assertThat(repeat).isEqualTo(new Published("orders", first.position(), true));
        Published otherChannel = b.publish("invoices", "message", "\"once\"", "order-17");
        assertThat(otherChannel.duplicate()).isFalse();

        assertThat(waitFor(() -> onB.messages.size() >= 1, 10)).isTrue();
        sleep(200);
        assertThat(onB.messages).extracting(Message::position).containsExactly(first.position());
        assertThat(b.head("orders")).isEqualTo(first.position());
    }

    @Test
    void aMessagePublishedOnOneNodeReachesTheOtherAndACursorResumesAnywhere() {
        MessageBus a = node();
        MessageBus b = node();
        Recorder onB = new Recorder();
        b.subscribe("chat", onB);
        List<Long> positions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            positions.add((i % 2 == 0 ? a : b).publish("chat", "message", Integer.toString(i), null).position());
        }
        assertThat(waitFor(() -> onB.messages.size() >= 50, 10)).isTrue();
        assertThat(onB.messages).extracting(Message::position).containsExactlyElementsOf(positions);

        HistoryPage fromA = a.read("chat", b.epoch(), positions.get(24), 100);
        assertThat(fromA.gap()).isFalse();
        assertThat(fromA.messages()).extracting(Message::position).containsExactlyElementsOf(positions.subList(25, 50));
        assertThat(fromA.messages()).isEqualTo(b.read("chat", a.epoch(), positions.get(24), 100).messages());
    }

    /**
     * A persistent Redis restarted after a kill answers LOADING while it reads its data back (here
     * slowed down to seconds). Every call then fails as unavailable (503 bus_unavailable over HTTP),
     * never with another exception: RedisBus turned the refusal into an IllegalStateException before
     * f4e590c, which ended a background replay for good and answered publishes with 500. Once loaded,
     * the data is all there: same epoch, no gap, and the subscriber resyncs.
     */
    @Test
    void aRedisStillLoadingItsDataAnswersUnavailableThenResumesWithoutGap() throws Exception {
        RedisServer persistent = RedisServer.startPersistentIfInstalled();
        toClose.add(persistent);
        MessageBus bus = node(persistent, true);
        String epoch = bus.epoch();
        Recorder live = new Recorder();
        bus.subscribe("loading", live);
        Published last = null;
        for (int i = 0; i < 3; i++) {
            last = bus.publish("loading", "message", Integer.toString(i), null);
        }
        persistent.fillAndCompact(10_000);
        persistent.kill();
        persistent.start("--key-load-delay", "250", "--loading-process-events-interval-bytes", "1024"); // about 2.5 s of LOADING

        List<String> loading = new ArrayList<>();
        List<Throwable> other = new ArrayList<>();
        Published after = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (after == null && System.nanoTime() < deadline) {
            try {
                bus.read("loading", epoch, last.position(), 10);
                after = bus.publish("loading", "message", "\"after\"", null);
            } catch (BusUnavailableException e) {
                if (e.getMessage().contains("LOADING")) {
                    loading.add(e.getMessage());
                }
            } catch (RuntimeException e) {
                other.add(e);
            }
            sleep(50);
        }
        assertThat(other).as("while Redis loads, nothing fails but as unavailable").isEmpty();
        assertThat(loading).as("Redis answered LOADING for a while").isNotEmpty();
        assertThat(after).as("publishing works once loaded").isNotNull();
        assertThat(bus.epoch()).as("Redis kept its data: same epoch").isEqualTo(epoch);
        assertThat(waitFor(() -> live.resyncs.contains("loading"), 15)).as("onResync after the reconnect").isTrue();
        HistoryPage page = bus.read("loading", epoch, last.position(), 10);
        assertThat(page.gap()).isFalse();
        assertThat(page.messages()).extracting(Message::position).containsExactly(after.position());
    }

    @Test
    void anUnreachableRedisFailsStartUpQuicklyNamingTheParameter() throws Exception {
        int port = redis.port();
        redis.kill();
        TestBusContext context = new TestBusContext(10, Duration.ofMinutes(1), Map.of(
                RedisSettings.URI, "redis://127.0.0.1:" + port, RedisSettings.TIMEOUT, "1000"));
        toClose.add(context);
        long start = System.nanoTime();
        assertThatThrownBy(() -> new RedisBusProvider().create(context))
                .isInstanceOf(BusUnavailableException.class)
                .hasMessageContaining("realtime.redis.uri")
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }
}
