package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.TestBusContext;
import dev.realtime.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transport-neutral session logic: resume, gaps, ordering, queues. One test set for all three transports. */
class SessionTest {
    @RegisterExtension
    final EngineFixture engines = new EngineFixture(100);
    final TestBusContext ctx = engines.ctx;

    Engine engine(Map<String, String> params) {
        return engines.engine(params);
    }

    /** Records what the session asks of its transport. */
    static class RecordingOutput implements Session.Output {
        final List<Session.CloseCause> terminated = new CopyOnWriteArrayList<>();
        int wakes;

        @Override
        public void wake() {
            wakes++;
        }

        @Override
        public void terminate(Session.CloseCause cause) {
            terminated.add(cause);
        }
    }

    static List<String> data(Session s) {
        List<String> out = new ArrayList<>();
        for (Outbound o : s.drain().items()) {
            out.add(o instanceof Outbound.Delivery d ? d.message().data() : o instanceof Outbound.Gap g ? "gap:" + g.channel() : "control");
        }
        return out;
    }

    @Test
    void everyDeliveryCarriesTheFullCursorAsTheCursorClassWritesIt() {
        Engine e = engine(Map.of("realtime.queue.maxMessages", "100000"));
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a", "b", "c"), Since.NOW);
        Map<String, Long> expected = new java.util.LinkedHashMap<>(); // in subscription order, as the cursor
        expected.put("a", 0L);
        expected.put("b", 0L);
        expected.put("c", 0L);
        List<String> channels = new ArrayList<>(List.of("a", "b", "c"));
        java.util.Random random = new java.util.Random(7);
        // enough messages for positions to grow from one base-36 digit to three (36, 1296)
        for (int i = 0; i < 3000; i++) {
            String channel = channels.get(random.nextInt(channels.size()));
            long position = e.publishJson(channel, null, "1").position();
            expected.put(channel, position);
            if (i == 1500) { // the cursor's layout changes: one channel leaves, another arrives
                s.unsubscribe("b", null);
                channels.remove("b");
                expected.remove("b");
                s.subscribe("d", Since.NOW, null);
                channels.add("d");
                expected.put("d", 0L);
            }
            for (Outbound o : s.drain().items()) {
                if (o instanceof Outbound.Delivery d) {
                    java.util.LinkedHashMap<Long, Long> hashes = new java.util.LinkedHashMap<>();
                    expected.forEach((name, pos) -> hashes.put(Cursor.hash(name), pos));
                    assertThat(d.cursor()).as("after message %d", i).isEqualTo(new Cursor(e.bus().epoch(), hashes).encode());
                }
            }
        }
    }

    @Test
    void withoutACursorOnlyWhatIsPublishedAfterwardsArrives() {
        Engine e = engine(Map.of());
        e.publishJson("a", null, "1");
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "2");
        assertThat(data(s)).containsExactly("2");
    }

    @Test
    void aCursorResumesExactlyAfterWhatWasDelivered() {
        Engine e = engine(Map.of());
        Session first = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        first.subscribeAll(List.of("a", "b"), Since.NOW);
        e.publishJson("a", null, "1");
        e.publishJson("b", null, "2");
        String cursor = first.drain().cursor();
        first.close();
        e.publishJson("a", null, "3");
        e.publishJson("b", null, "4");
        e.publishJson("c", null, "5");

        Session second = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        second.subscribeAll(List.of("a", "b", "c"), Since.parse(cursor));
        e.publishJson("c", null, "6");
        assertThat(data(second)).as("c was not in the cursor: it starts now").containsExactly("3", "4", "6");
    }

    @Test
    void eachDeliveryCarriesTheCursorThatStandsAfterIt() {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "1");
        e.publishJson("a", null, "2");
        Outbound.Delivery first = (Outbound.Delivery) s.poll();
        Session resumed = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        resumed.subscribeAll(List.of("a"), Since.parse(first.cursor()));
        assertThat(data(resumed)).containsExactly("2");
    }

    @Test
    void trimmedHistoryIsReportedAsAGapBeforeWhatIsLeft() {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        String cursor = s.cursor();
        s.close();
        IntStream.rangeClosed(1, 150).forEach(i -> e.publishJson("a", null, String.valueOf(i))); // history keeps 100
        Session resumed = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        resumed.subscribeAll(List.of("a"), Since.parse(cursor));
        List<String> got = data(resumed);
        assertThat(got.get(0)).isEqualTo("gap:a");
        assertThat(got.subList(1, got.size())).hasSize(100).startsWith("51").endsWith("150");
    }

    @Test
    void earliestReplaysAllHistoryWithoutAGap() {
        Engine e = engine(Map.of());
        IntStream.rangeClosed(1, 150).forEach(i -> e.publishJson("a", null, String.valueOf(i)));
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.EARLIEST);
        List<String> got = data(s);
        assertThat(got).hasSize(100).doesNotContain("gap:a");
    }

    @Test
    void aLongPollAnswerIsBoundedAndTheNextOneContinues() {
        Engine e = engine(Map.of());
        IntStream.rangeClosed(1, 30).forEach(i -> e.publishJson("a", null, String.valueOf(i)));
        Session first = e.open(new RecordingOutput(), 10);
        first.subscribeAll(List.of("a"), Since.EARLIEST);
        Session.Batch batch = first.drain();
        assertThat(batch.items()).hasSize(10);
        first.close();
        Session next = e.open(new RecordingOutput(), 10);
        next.subscribeAll(List.of("a"), Since.parse(batch.cursor()));
        assertThat(data(next)).startsWith("11").hasSize(10);
    }

    @Test
    void resumingWhenNothingIsNewKeepsTheCursorsPosition() {
        Engine e = engine(Map.of());
        e.publishJson("a", null, "1");
        Session first = e.open(new RecordingOutput(), 10);
        first.subscribeAll(List.of("a"), Since.EARLIEST);
        String c1 = first.drain().cursor();
        Session second = e.open(new RecordingOutput(), 10);
        second.subscribeAll(List.of("a"), Since.parse(c1));
        Session.Batch empty = second.drain();
        assertThat(empty.items()).isEmpty();
        Session third = e.open(new RecordingOutput(), 10);
        third.subscribeAll(List.of("a"), Since.parse(empty.cursor()));
        assertThat(third.drain().items()).as("nothing is replayed twice").isEmpty();
    }

    @Test
    void aTerminatedSessionStillHandsItsTransportTheQueueAndACursorCoveringEveryChannel() {
        Engine e = engine(Map.of());
        List<Session.Batch> atTermination = new ArrayList<>();
        Session[] holder = new Session[1];
        Session s = e.open(new RecordingOutput() {
            @Override
            public void terminate(Session.CloseCause cause) {
                atTermination.add(holder[0].drain());
            }
        }, 10);
        holder[0] = s;
        s.subscribeAll(List.of("a", "b"), Since.NOW);
        e.publishJson("a", null, "1");
        e.disconnectAll();
        assertThat(atTermination).hasSize(1);
        assertThat(atTermination.get(0).items()).hasSize(1);
        Cursor c = Cursor.decode(atTermination.get(0).cursor());
        assertThat(c.positionOf("a")).isEqualTo(1);
        assertThat(c.positionOf("b")).isZero();
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void concurrentPublishersAreDeliveredInPositionOrderWithNothingMissing() throws Exception {
        TestBusContext big = new TestBusContext(100_000, Duration.ofMinutes(10), Map.of()); // history holds every message
        engines.closeAfter(big);
        Engine e = new Engine(new Settings(Map.of("realtime.queue.maxMessages", "100000")::get), new MemoryBusProvider().create(big),
                big.clock(), big.scheduler(), new DirectExecutor(), false);
        engines.closeAfter(e);
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        int threads = 4;
        int each = 2000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException ex) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    e.publishJson("a", null, "0");
                }
            });
            th.start();
            ts.add(th);
        }
        // a second session joins mid-stream from a cursor taken at the start: replay and live meet without gap or duplicate
        String cursorAtStart = s.cursor();
        start.countDown();
        Session late = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        late.subscribeAll(List.of("a"), Since.parse(cursorAtStart));
        for (Thread th : ts) {
            th.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (Session x : List.of(s, late)) {
            long expected = 1;
            for (Outbound o : x.drain().items()) {
                assertThat(((Outbound.Delivery) o).message().position()).isEqualTo(expected++);
            }
            assertThat(expected - 1).isEqualTo((long) threads * each);
        }
    }

    @Test
    void unsubscribingWithdrawsWhatWasQueuedForTheChannel() {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a", "b"), Since.NOW);
        e.publishJson("a", null, "1");
        e.publishJson("b", null, "2");
        s.unsubscribe("a", new Outbound.Control("unsubscribed"));
        e.publishJson("a", null, "3");
        assertThat(data(s)).containsExactly("2", "control");
        assertThat(s.channels()).containsExactly("b");
    }

    @Test
    void aFullQueueDisconnectsBySlowConsumerPolicyWithoutTouchingOthers() {
        Engine e = engine(Map.of("realtime.queue.maxMessages", "16"));
        RecordingOutput slowOut = new RecordingOutput();
        Session slow = e.open(slowOut, Integer.MAX_VALUE);
        slow.subscribeAll(List.of("a"), Since.NOW);
        Session fast = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        fast.subscribeAll(List.of("a"), Since.NOW);
        for (int i = 1; i <= 20; i++) {
            e.publishJson("a", null, String.valueOf(i));
            if (i % 4 == 0) {
                fast.drain(); // keeps up
            }
        }
        assertThat(slowOut.terminated).containsExactly(Session.CloseCause.SLOW_CONSUMER);
        assertThat(slow.isClosed()).isTrue();
        assertThat(fast.isClosed()).isFalse();
        assertThat(e.sessionCount()).isEqualTo(1);
    }

    @Test
    void aBacklogLargerThanTheQueueIsReplayedAtTheReadersPaceWithoutDisconnecting() {
        Engine e = engine(Map.of("realtime.queue.maxMessages", "16")); // the bus keeps 100 messages (see ctx)
        RecordingOutput out = new RecordingOutput();
        Session first = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        first.subscribeAll(List.of("a"), Since.NOW);
        String cursor = first.cursor();
        first.close();
        IntStream.rangeClosed(1, 90).forEach(i -> e.publishJson("a", null, String.valueOf(i)));

        Session s = e.open(out, Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.parse(cursor));
        long expected = 1;
        Outbound o;
        while ((o = s.poll()) != null) {
            assertThat(o).as("at " + expected).isInstanceOf(Outbound.Delivery.class);
            assertThat(((Outbound.Delivery) o).message().position()).isEqualTo(expected++);
            if (expected == 50) {
                e.publishJson("a", null, "\"live\""); // live traffic meanwhile is delivered after the replay, in order
            }
        }
        assertThat(expected - 1).isEqualTo(91);
        assertThat(out.terminated).isEmpty();
        assertThat(s.isClosed()).isFalse();
    }

    @Test
    void dropOldestLeavesAGapNoticeBeforeWhatIsKept() {
        Engine e = engine(Map.of("realtime.queue.maxMessages", "16", "realtime.queue.policy", "drop-oldest"));
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        for (int i = 1; i <= 40; i++) {
            e.publishJson("a", null, String.valueOf(i));
        }
        List<String> got = data(s);
        assertThat(got).hasSizeLessThanOrEqualTo(16);
        assertThat(got.get(0)).isEqualTo("gap:a");
        assertThat(got.subList(1, got.size())).doesNotContain("gap:a").endsWith("40");
        assertThat(s.isClosed()).isFalse();
    }

    @Test
    void theConnectionsPerAddressCountStaysExactUnderConcurrentOpensAndCloses() throws Exception {
        Engine e = engine(Map.of("realtime.connections.perAddress", "3"));
        int threads = 4;
        Thread[] workers = new Thread[threads];
        java.util.concurrent.atomic.AtomicInteger overLimit = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    try {
                        Session s = e.open(new RecordingOutput(), 1, "10.0.0.1", dev.realtime.ChannelAccess.ALL);
                        if (open.incrementAndGet() > 3) {
                            overLimit.incrementAndGet();
                        }
                        open.decrementAndGet();
                        s.close();
                    } catch (RealtimeException refused) {
                        // over the limit at that instant: expected now and then
                    }
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertThat(overLimit.get()).as("more than 3 sessions of one address open at once").isZero();
        // nothing leaked either way: exactly 3 fit afterwards
        for (int i = 0; i < 3; i++) {
            e.open(new RecordingOutput(), 1, "10.0.0.1", dev.realtime.ChannelAccess.ALL);
        }
        assertThatThrownBy(() -> e.open(new RecordingOutput(), 1, "10.0.0.1", dev.realtime.ChannelAccess.ALL))
                .isInstanceOf(RealtimeException.class).extracting(x -> ((RealtimeException) x).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    }

    @Test
    void channelLimitCountsDistinctChannels() {
        Engine e = engine(Map.of("realtime.channels.max", "2"));
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a", "a", "b"), Since.NOW);
        assertThatThrownBy(() -> s.subscribe("c", Since.NOW, null))
                .extracting(x -> ((RealtimeException) x).code()).isEqualTo(ErrorCode.TOO_MANY_CHANNELS);
    }

    @Test
    void closingTheEngineTerminatesSessionsAndRefusesNewOnes() {
        Engine e = engine(Map.of());
        RecordingOutput out = new RecordingOutput();
        e.open(out, Integer.MAX_VALUE).subscribeAll(List.of("a"), Since.NOW);
        e.close();
        assertThat(out.terminated).containsExactly(Session.CloseCause.SHUTDOWN);
        assertThatThrownBy(() -> e.open(new RecordingOutput(), 1))
                .extracting(x -> ((RealtimeException) x).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
        assertThatThrownBy(() -> e.publishJson("a", null, "1"))
                .extracting(x -> ((RealtimeException) x).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
    }

    @Test
    void aBusOutageDuringAResyncIsRetriedAndNothingIsLost() throws Exception {
        FlakyBus bus = new FlakyBus(new MemoryBusProvider().create(ctx));
        Engine e = engines.engine(Map.of(), bus, new DirectExecutor());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "1");

        bus.down = true;
        assertThatThrownBy(() -> s.subscribe("b", Since.NOW, null))
                .extracting(x -> ((RealtimeException) x).code()).isEqualTo(ErrorCode.BUS_UNAVAILABLE);
        assertThat(s.channels()).as("a refused subscription is not kept").containsExactly("a");
        bus.resyncAll(); // e.g. the data store connection came back but is not answering yet: the replay fails
        bus.publishUnseen("a", "2"); // stored, but its live delivery was lost
        bus.down = false;
        List<String> got = new ArrayList<>();
        Await.within(Duration.ofSeconds(10), () -> {
            got.addAll(data(s));
            return got.size() >= 2;
        });
        assertThat(got).containsExactly("1", "2");
    }

    /**
     * A pub/sub connection that comes back delivers live messages again before the bus has told the
     * sessions to resync (Lettuce resubscribes on its own): the first live message then skips the
     * positions published while the connection was down. Delivering it moved the channel past them,
     * so the resync read only what came after: they were lost without a gap (issue 13, found by
     * RedisFaultIT). Positions are consecutive, so a skip means missed deliveries: they are read from
     * history before the live message is delivered.
     */
    @Test
    void aLiveMessageThatSkipsPositionsIsPrecededByTheMissedOnesFromHistory() {
        FlakyBus bus = new FlakyBus(new MemoryBusProvider().create(ctx));
        Engine e = engines.engine(Map.of(), bus, new DirectExecutor());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "1");
        bus.publishUnseen("a", "2"); // published while this node's pub/sub connection was down
        bus.publishUnseen("a", "3");
        e.publishJson("a", null, "4"); // the connection is back; the bus's resync has not come yet
        assertThat(data(s)).containsExactly("1", "2", "3", "4");
        bus.resyncAll(); // the resync, when it comes, finds nothing more
        e.publishJson("a", null, "5");
        assertThat(data(s)).containsExactly("5");
    }

    /**
     * A background replay that fails for any reason (here: a bus that refuses a command, as a Redis
     * still loading its data does) is retried: a channel left replaying holds its live messages for
     * good, a stall with neither messages nor a gap.
     */
    @Test
    void aResyncReplayThatFailsOtherwiseIsRetriedAndNothingIsLost() throws Exception {
        FlakyBus bus = new FlakyBus(new MemoryBusProvider().create(ctx));
        Engine e = engines.engine(Map.of(), bus, new DirectExecutor());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "1");

        bus.refusal = new IllegalStateException("the bus refused a command (test)");
        bus.resyncAll(); // the replay fails with something other than BusUnavailableException
        bus.publishUnseen("a", "2"); // stored, but its live delivery was lost
        bus.refusal = null;
        e.publishJson("a", null, "3"); // live, held while the channel replays
        List<String> got = new ArrayList<>();
        Await.within(Duration.ofSeconds(10), () -> {
            got.addAll(data(s));
            return got.size() >= 3;
        });
        assertThat(got).containsExactly("1", "2", "3");
    }

    @Test
    void whenTheBusLosesItsDataEveryChannelOfASessionGetsAGapAndWhatFollows() {
        AmnesicBus bus = new AmnesicBus(() -> new MemoryBusProvider().create(ctx));
        Engine e = engines.engine(Map.of(), bus, new DirectExecutor());
        Session s = e.open(new RecordingOutput(), Integer.MAX_VALUE);
        s.subscribeAll(List.of("a", "b"), Since.NOW);
        for (int i = 1; i <= 5; i++) {
            e.publishJson("a", null, "\"a" + i + "\"");
            e.publishJson("b", null, "\"b" + i + "\"");
        }
        assertThat(data(s)).hasSize(10);

        bus.loseData(); // a new epoch: positions start again at 1
        e.publishJson("a", null, "\"a-new1\"");
        e.publishJson("b", null, "\"b-new1\"");
        bus.resyncAll(); // channel a resyncs first and moves the session to the new epoch; then b
        for (int i = 2; i <= 4; i++) { // below b's position in the lost epoch (5)
            e.publishJson("b", null, "\"b-new" + i + "\"");
        }
        List<String> got = new ArrayList<>();
        // a replay may run on the engine's timer
        Await.within(Duration.ofSeconds(10), () -> {
            got.addAll(data(s));
            return got.size() >= 7;
        });
        got.addAll(data(s));
        assertThat(got).as("each channel: a gap, then everything of the new epoch, once, in order")
                .containsExactly("gap:a", "\"a-new1\"", "gap:b", "\"b-new1\"", "\"b-new2\"", "\"b-new3\"", "\"b-new4\"");
        assertThat(s.cursor()).as("the cursor names the new epoch").startsWith("1~" + bus.epoch() + "~");
    }

    /** A bus whose data store can be switched off, and whose live delivery can be skipped. */
    static final class FlakyBus implements MessageBus {
        final MessageBus inner;
        final List<dev.realtime.spi.BusListener> listeners = new CopyOnWriteArrayList<>();
        volatile boolean down;
        /** Thrown by every call while set: a failure that is not the bus being unavailable. */
        volatile RuntimeException refusal;

        FlakyBus(MessageBus inner) {
            this.inner = inner;
        }

        void resyncAll() {
            listeners.forEach(l -> l.onResync("a"));
        }

        void publishUnseen(String channel, String data) {
            inner.publish(channel, "message", data, null); // inner listeners: none registered there
        }

        private void check() {
            if (down) {
                throw new dev.realtime.spi.BusUnavailableException("down (test)");
            }
            RuntimeException r = refusal;
            if (r != null) {
                throw r;
            }
        }

        @Override
        public String epoch() {
            return inner.epoch();
        }

        @Override
        public dev.realtime.spi.Published publish(String channel, String event, String data, String key) {
            check();
            dev.realtime.spi.Published p = inner.publish(channel, event, data, key);
            dev.realtime.Message m = inner.read(channel, inner.epoch(), p.position() - 1, 1).messages().get(0);
            listeners.forEach(l -> l.onMessage(m));
            return p;
        }

        @Override
        public dev.realtime.spi.HistoryPage read(String channel, String epoch, long after, int limit) {
            check();
            return inner.read(channel, epoch, after, limit);
        }

        @Override
        public long head(String channel) {
            check();
            return inner.head(channel);
        }

        @Override
        public dev.realtime.spi.BusSubscription subscribe(String channel, dev.realtime.spi.BusListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A bus that can lose its data, as a Redis restarted without persistence: a new epoch, positions from 1. */
    static final class AmnesicBus implements MessageBus {
        final java.util.function.Supplier<MessageBus> fresh;
        final Map<String, List<dev.realtime.spi.BusListener>> listeners = new java.util.concurrent.ConcurrentHashMap<>();
        volatile MessageBus inner;

        AmnesicBus(java.util.function.Supplier<MessageBus> fresh) {
            this.fresh = fresh;
            this.inner = fresh.get();
        }

        void loseData() {
            MessageBus old = inner;
            inner = fresh.get();
            old.close();
        }

        /** Every channel in turn, as a bus does when it notices the new epoch. */
        void resyncAll() {
            listeners.forEach((channel, ls) -> ls.forEach(l -> l.onResync(channel)));
        }

        @Override
        public String epoch() {
            return inner.epoch();
        }

        @Override
        public dev.realtime.spi.Published publish(String channel, String event, String data, String key) {
            dev.realtime.spi.Published p = inner.publish(channel, event, data, key);
            dev.realtime.Message m = inner.read(channel, inner.epoch(), p.position() - 1, 1).messages().get(0);
            listeners.getOrDefault(channel, List.of()).forEach(l -> l.onMessage(m));
            return p;
        }

        @Override
        public dev.realtime.spi.HistoryPage read(String channel, String epoch, long after, int limit) {
            return inner.read(channel, epoch, after, limit);
        }

        @Override
        public long head(String channel) {
            return inner.head(channel);
        }

        @Override
        public dev.realtime.spi.BusSubscription subscribe(String channel, dev.realtime.spi.BusListener listener) {
            List<dev.realtime.spi.BusListener> ls = listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>());
            ls.add(listener);
            return () -> ls.remove(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

}
