package dev.realtime.tck;

import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.PresenceJoin;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The compatibility kit for protocol 1.1 on a bus: wildcard subscriptions ({@link MessageBus#subscribe(ChannelPattern,
 * BusListener)}, {@link MessageBus#channelsActiveSince}) and its {@link LiveBus} (ephemeral messages,
 * presence). A bus whose live bus spans nodes also says how to make a second node
 * ({@link #sharedAcrossNodes()}), and the kit checks that both see one presence. A bus that cannot
 * carry wildcard subscriptions says so ({@link #supportsPatterns()}), and the kit checks that it
 * refuses them the way the engine turns into a protocol error.
 */
public abstract class LiveBusContract {
    private static final AtomicInteger CHANNELS = new AtomicInteger();
    private final String run = Long.toString(System.nanoTime() & 0xFFFFFFFL, 36);
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<TestBusContext> contexts = new ArrayList<>();
    protected MessageBus bus;
    protected LiveBus live;
    protected TestBusContext context;

    protected abstract MessageBus createBus(BusContext context);

    /** Whether two buses made from {@link #createBus} share one store, i.e. are two nodes of one cluster. */
    protected boolean sharedAcrossNodes() {
        return false;
    }

    /**
     * Whether the bus carries wildcard subscriptions; one that does not must refuse them with
     * {@link UnsupportedOperationException} (the SPI's default), which clients get as a protocol error.
     */
    protected boolean supportsPatterns() {
        return true;
    }

    protected Map<String, String> parameters() {
        return Map.of();
    }

    protected MessageBus newBus() {
        TestBusContext c = new TestBusContext(20, Duration.ofMinutes(10), parameters());
        contexts.add(c);
        MessageBus b = createBus(c);
        buses.add(b);
        if (context == null) {
            context = c;
        }
        return b;
    }

    /** A name unique to this run: {@code name-run-n}, with no ':' so it can follow a pattern prefix. */
    protected String unique(String name) {
        return name + "-" + run + "-" + CHANNELS.incrementAndGet();
    }

    @BeforeEach
    void createBusUnderTest() {
        bus = newBus();
        live = bus.live();
        assertThat(live).as("this kit is for buses that offer a live bus").isNotNull();
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(MessageBus::close);
        buses.clear();
        contexts.forEach(TestBusContext::close);
        contexts.clear();
    }

    // ---------------------------------------------------------------- wildcard subscriptions

    @Test
    void aBusWithoutWildcardsRefusesThemAsUnsupported() {
        org.junit.jupiter.api.Assumptions.assumeFalse(supportsPatterns(), "the bus carries wildcard subscriptions");
        ChannelPattern pattern = new ChannelPattern(unique("room") + ":", false);
        assertThatThrownBy(() -> bus.subscribe(pattern, (BusListener) m -> { })).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> bus.channelsActiveSince(pattern, 0, 10)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> live.listen(pattern, new LiveListener() { })).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aOneSegmentPatternDeliversItsChannelsMessagesInOrderWithTheirRealChannel() {
        assumePatterns();
        String family = unique("room") + ":";
        Recorder<Message> r = new Recorder<>();
        bus.subscribe(new ChannelPattern(family, false), (BusListener) r::add);
        bus.publish(family + "a", "message", "1", null);
        bus.publish(family + "a:deeper", "message", "\"no\"", null);
        bus.publish("other-" + family + "b", "message", "\"no\"", null);
        bus.publish(family + "b", "message", "2", null);
        bus.publish(family + "a", "message", "3", null);
        List<Message> got = r.await(3);
        assertThat(got).extracting(Message::channel).containsExactly(family + "a", family + "b", family + "a");
        assertThat(got).extracting(Message::data).containsExactly("1", "2", "3");
        r.assertQuiet();
    }

    @Test
    void aMultiSegmentPatternAlsoDeliversDeeperChannels() {
        assumePatterns();
        String family = unique("room") + ":";
        Recorder<Message> r = new Recorder<>();
        BusSubscription s = bus.subscribe(new ChannelPattern(family, true), (BusListener) r::add);
        bus.publish(family + "a", "message", "1", null);
        bus.publish(family + "a:typing", "message", "2", null);
        assertThat(r.await(2)).extracting(Message::channel).containsExactly(family + "a", family + "a:typing");
        s.close();
        bus.publish(family + "a", "message", "3", null);
        r.assertQuiet();
    }

    @Test
    void channelsActiveSinceListsMatchingChannelsWithNewerMessages() {
        assumePatterns();
        String family = unique("room") + ":";
        bus.publish(family + "old", "message", "1", null);
        context.clock().advance(Duration.ofSeconds(5));
        long since = context.clock().millis();
        bus.publish(family + "new", "message", "2", null);
        bus.publish(family + "new:deep", "message", "3", null);
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, false), since, 10)).containsExactly(family + "new");
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, true), since, 10))
                .containsExactlyInAnyOrder(family + "new", family + "new:deep");
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, true), since - 10_000, 1)).as("limit + 1 at most").hasSize(2);
    }

    // ---------------------------------------------------------------- ephemeral messages

    @Test
    void anEphemeralMessageReachesTheListenersOfItsChannelAndMatchingPatterns() {
        String family = unique("room") + ":";
        Recorder<Message> channel = new Recorder<>();
        Recorder<Message> pattern = new Recorder<>();
        Recorder<Message> other = new Recorder<>();
        live.listen(family + "a", new LiveListener() {
            @Override
            public void onEphemeral(Message message) {
                channel.add(message);
            }
        });
        if (supportsPatterns()) {
            live.listen(new ChannelPattern(family, false), new LiveListener() {
                @Override
                public void onEphemeral(Message message) {
                    pattern.add(message);
                }
            });
        }
        live.listen(family + "b", new LiveListener() {
            @Override
            public void onEphemeral(Message message) {
                other.add(message);
            }
        });
        live.publish(Message.ephemeral(family + "a", "typing", "{\"user\":\"ann\"}", 42));
        Message m = channel.await(1).get(0);
        assertThat(m.ephemeral()).isTrue();
        assertThat(m.id()).isNull();
        assertThat(m.event()).isEqualTo("typing");
        assertThat(m.data()).isEqualTo("{\"user\":\"ann\"}");
        assertThat(m.timestamp()).isEqualTo(42);
        if (supportsPatterns()) {
            assertThat(pattern.await(1).get(0).channel()).isEqualTo(family + "a");
        }
        other.assertQuiet();
        assertThat(bus.read(family + "a", bus.epoch(), 0, 10).messages()).as("never stored").isEmpty();
    }

    // ---------------------------------------------------------------- presence

    @Test
    void aJoinIsAnnouncedOnceAnInfoChangeAsUpdateAndTheLeaveOnce() {
        String ch = unique("presence");
        Recorder<PresenceEvent> r = presenceOf(live, ch);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Ann\"}", 10)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Ann\"}", 10)).isEqualTo(PresenceJoin.UNCHANGED);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Annie\"}", 10)).isEqualTo(PresenceJoin.UPDATED);
        live.leave(ch, "ann");
        live.leave(ch, "ann");
        List<PresenceEvent> events = r.await(3);
        assertThat(events).extracting(PresenceEvent::action).containsExactly("join", "update", "leave");
        assertThat(events).extracting(PresenceEvent::member).containsOnly("ann");
        assertThat(events.get(1).info()).isEqualTo("{\"nick\":\"Annie\"}");
        assertThat(events.get(2).info()).isNull();
        r.assertQuiet();
    }

    @Test
    void membersListsEveryPresentMemberWithItsInfo() {
        String ch = unique("presence");
        live.join(ch, "ann", "1", 10);
        live.join(ch, "bob", "{\"b\":true}", 10);
        live.join(ch, "cy", "null", 10);
        live.leave(ch, "cy");
        assertThat(live.members(ch)).extracting(PresenceMember::member).containsExactlyInAnyOrder("ann", "bob");
        assertThat(live.members(ch)).filteredOn(m -> m.member().equals("bob")).extracting(PresenceMember::info).containsExactly("{\"b\":true}");
        assertThat(live.members(unique("empty"))).isEmpty();
    }

    @Test
    void aFullChannelRefusesNewMembersButNotPresentOnes() {
        String ch = unique("presence");
        assertThat(live.join(ch, "a", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "b", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "c", "1", 2)).isEqualTo(PresenceJoin.FULL);
        assertThat(live.join(ch, "b", "2", 2)).as("a present member may change its info").isEqualTo(PresenceJoin.UPDATED);
        live.leave(ch, "a");
        assertThat(live.join(ch, "c", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.members(ch)).extracting(PresenceMember::member).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void aMemberHeldByTwoNodesIsAnnouncedOnceAndLeavesWithTheLast() {
        org.junit.jupiter.api.Assumptions.assumeTrue(sharedAcrossNodes(), "the live bus is one node's only");
        LiveBus second = newBus().live();
        String ch = unique("presence");
        Recorder<PresenceEvent> onFirst = presenceOf(live, ch);
        Recorder<PresenceEvent> onSecond = presenceOf(second, ch);
        assertThat(live.join(ch, "ann", "1", 10)).isEqualTo(PresenceJoin.JOINED);
        assertThat(second.join(ch, "ann", "1", 10)).isEqualTo(PresenceJoin.UNCHANGED);
        assertThat(second.members(ch)).extracting(PresenceMember::member).containsExactly("ann");
        live.leave(ch, "ann");
        assertThat(second.members(ch)).as("still held by the second node").hasSize(1);
        second.leave(ch, "ann");
        assertThat(live.members(ch)).isEmpty();
        for (Recorder<PresenceEvent> r : List.of(onFirst, onSecond)) {
            assertThat(r.await(2)).extracting(PresenceEvent::action).containsExactly("join", "leave");
            r.assertQuiet();
        }
    }

    @Test
    void anEphemeralMessageCrossesNodes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(sharedAcrossNodes(), "the live bus is one node's only");
        LiveBus second = newBus().live();
        String ch = unique("typing");
        Recorder<Message> r = new Recorder<>();
        second.listen(ch, new LiveListener() {
            @Override
            public void onEphemeral(Message message) {
                r.add(message);
            }
        });
        live.publish(Message.ephemeral(ch, "typing", "true", 7));
        assertThat(r.await(1).get(0).data()).isEqualTo("true");
    }

    /** Wildcard tests run where the bus carries them; {@link #aBusWithoutWildcardsRefusesThemAsUnsupported} checks the others. */
    private void assumePatterns() {
        org.junit.jupiter.api.Assumptions.assumeTrue(supportsPatterns(), "the bus refuses wildcard subscriptions");
    }

    protected static Recorder<PresenceEvent> presenceOf(LiveBus live, String channel) {
        Recorder<PresenceEvent> r = new Recorder<>();
        live.listen(channel, new LiveListener() {
            @Override
            public void onPresence(PresenceEvent event) {
                r.add(event);
            }
        });
        return r;
    }

    /** Records what a listener received; waits for it, or for silence. */
    protected static final class Recorder<T> {
        private final BlockingQueue<T> received = new LinkedBlockingQueue<>();

        void add(T item) {
            received.add(item);
        }

        public List<T> await(int n) {
            List<T> got = new ArrayList<>();
            try {
                while (got.size() < n) {
                    T next = received.poll(10, TimeUnit.SECONDS);
                    if (next == null) {
                        fail("received " + got.size() + " of " + n + " within 10 s: " + got);
                    }
                    got.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            return got;
        }

        public void assertQuiet() {
            try {
                T extra = received.poll(300, TimeUnit.MILLISECONDS);
                assertThat(extra).as("nothing more").isNull();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
