package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.realtime.internal.SessionTest.data;
import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21, items 1 and 2: every cursor covers every channel; a position beyond a channel's head is a gap. */
class NoSilentLossTest {
    @RegisterExtension
    final EngineFixture engines = new EngineFixture(100);
    final TestBusContext ctx = engines.ctx;

    final DirectExecutor executor = new DirectExecutor();

    Engine engine(MessageBus bus) {
        return engines.engine(Map.of(), bus, executor);
    }

    Session open(Engine e) {
        return e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE);
    }

    @Test
    void everyCursorOfAMultiChannelReplayCoversEveryChannel() {
        Engine e = engine(new MemoryBusProvider().create(ctx));
        Session first = open(e);
        first.subscribeAll(List.of("a", "b", "c"), Since.NOW);
        String start = first.drain().cursor();
        for (String channel : List.of("a", "b", "c")) {
            for (int i = 1; i <= 3; i++) {
                e.publishJson(channel, null, "\"" + channel + i + "\"");
            }
        }
        Session resumed = open(e);
        resumed.subscribeAll(List.of("a", "b", "c"), new Since.After(Cursor.decode(start)));
        List<Outbound> items = resumed.drain().items();
        assertThat(items).hasSize(9);
        for (Outbound o : items) {
            Cursor c = Cursor.decode(((Outbound.Delivery) o).cursor());
            assertThat(List.of("a", "b", "c")).allSatisfy(ch -> assertThat(c.positionOf(ch)).as("%s in %s", ch, c).isGreaterThanOrEqualTo(0));
        }
        // resuming from the first replayed message's cursor loses nothing
        Session again = open(e);
        again.subscribeAll(List.of("a", "b", "c"), new Since.After(Cursor.decode(((Outbound.Delivery) items.get(0)).cursor())));
        assertThat(data(again)).containsExactly("\"a2\"", "\"a3\"", "\"b1\"", "\"b2\"", "\"b3\"", "\"c1\"", "\"c2\"", "\"c3\"");
    }

    @Test
    void aCursorOfAnotherEpochReportsEveryChannelsGapBeforeAnyMessage() {
        Engine e = engine(new MemoryBusProvider().create(ctx));
        e.publishJson("a", null, "1");
        e.publishJson("b", null, "2");
        Cursor old = new Cursor("otherepoch", Map.of(Cursor.hash("a"), 7L, Cursor.hash("b"), 9L));
        Session s = open(e);
        s.subscribeAll(List.of("a", "b"), new Since.After(old));
        assertThat(data(s)).containsExactly("gap:a", "gap:b", "1", "2");
    }

    @Test
    void aCursorAheadOfTheHeadIsAGapNotASilentSkip() {
        Engine e = engine(new MemoryBusProvider().create(ctx));
        for (int i = 1; i <= 3; i++) {
            e.publishJson("a", null, Integer.toString(i));
        }
        // edited by hand: position 10 on a channel whose head is 3
        Cursor ahead = new Cursor(e.bus().epoch(), Map.of(Cursor.hash("a"), 10L));
        Session s = open(e);
        s.subscribeAll(List.of("a"), new Since.After(ahead));
        e.publishJson("a", null, "4");
        assertThat(data(s)).containsExactly("gap:a", "1", "2", "3", "4");
    }

    @Test
    void aBusWhoseHeadFellBelowTheSessionsPositionIsAGapAndNothingIsSkipped() {
        RollbackBus bus = new RollbackBus(ctx);
        Engine e = engine(bus);
        Session s = open(e);
        s.subscribeAll(List.of("a"), Since.NOW);
        for (int i = 1; i <= 5; i++) {
            e.publishJson("a", null, Integer.toString(i));
        }
        assertThat(data(s)).containsExactly("1", "2", "3", "4", "5");
        // the data store comes back from an older snapshot: same epoch, head back at 0, positions handed out again
        bus.rollBack();
        e.publishJson("a", null, "\"new1\"");
        e.publishJson("a", null, "\"new2\"");
        bus.resyncAll();
        e.publishJson("a", null, "\"new3\"");
        assertThat(data(s)).containsExactly("gap:a", "\"new1\"", "\"new2\"", "\"new3\"");
    }

    @Test
    void aLiveMessageArrivingBetweenAResyncAndItsReplayIsHeldNotDeliveredPastTheMissedOnes() {
        RollbackBus bus = new RollbackBus(ctx);
        Engine e = engine(bus);
        Session s = open(e);
        s.subscribeAll(List.of("a"), Since.NOW);
        e.publishJson("a", null, "1");
        bus.live = false; // the bus misses 2 and 3, as while its pub/sub connection was away
        e.publishJson("a", null, "2");
        e.publishJson("a", null, "3");
        executor.defer(); // the replay the resync asks for has not started when the next live message comes
        bus.resyncAll();
        e.publishJson("a", null, "4");
        executor.runDeferred();
        assertThat(data(s)).as("4 waits for the replay of 2 and 3").containsExactly("1", "2", "3", "4");
    }

    /** A bus that keeps its epoch while its history restarts from nothing: a restored snapshot, in miniature. */
    static final class RollbackBus implements MessageBus {
        final TestBusContext ctx;
        final List<BusListener> listeners = new CopyOnWriteArrayList<>();
        volatile MessageBus inner;
        volatile boolean live = true;

        RollbackBus(TestBusContext ctx) {
            this.ctx = ctx;
            this.inner = new MemoryBusProvider().create(ctx);
        }

        void rollBack() {
            inner.close();
            inner = new MemoryBusProvider().create(ctx);
            live = false; // live deliveries are lost until the resync, as while the store was away
        }

        void resyncAll() {
            live = true;
            listeners.forEach(l -> l.onResync("a"));
        }

        @Override
        public String epoch() {
            return "samepoch";
        }

        @Override
        public Published publish(String channel, String event, String data, String key) {
            Published p = inner.publish(channel, event, data, key);
            if (live) {
                Message m = inner.read(channel, inner.epoch(), p.position() - 1, 1).messages().get(0);
                listeners.forEach(l -> l.onMessage(m));
            }
            return p;
        }

        @Override
        public HistoryPage read(String channel, String cursorEpoch, long after, int limit) {
            return inner.read(channel, cursorEpoch.equals(epoch()) ? inner.epoch() : cursorEpoch, after, limit);
        }

        @Override
        public long head(String channel) {
            return inner.head(channel);
        }

        @Override
        public BusSubscription subscribe(String channel, BusListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
