package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.realtime.redis.Recorder.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence and ephemeral messages across nodes on a real three-primary Redis Cluster, with channels
 * on every primary: a member joined through one node is seen by another, and leaves when its node
 * signs off or stops renewing its liveness (within 4/3 of {@code realtime.redis.nodeTimeout});
 * presence follows a channel whose slot moves to another primary.
 */
class RedisClusterPresenceTest {
    private static final long NODE_TIMEOUT = 1200;
    private static RedisCluster cluster;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final String prefix = "cp" + Long.toString(System.nanoTime(), 36) + ":";

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startOrSkip(3, 0);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void closeNodes() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TestBusContext context() {
        TestBusContext c = new TestBusContext(20, Duration.ofMinutes(10), Map.of(RedisSettings.URI, cluster.uri(),
                RedisSettings.PREFIX, prefix, RedisSettings.NODE_TIMEOUT, Long.toString(NODE_TIMEOUT)));
        toClose.add(c);
        return c;
    }

    private LiveBus node(TestBusContext c) {
        MessageBus bus = new RedisBusProvider().create(c);
        toClose.add(bus);
        return bus.live();
    }

    /** One channel per primary: the test covers every shard, and a reaper working on several slots. */
    private List<String> channelOnEveryPrimary(String name) {
        List<String> channels = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; ports.size() < 3; i++) {
            String channel = name + ":" + i;
            if (ports.add(cluster.primaryOf(prefix + "{" + channel + "}:pm").port())) {
                channels.add(channel);
            }
        }
        return channels;
    }

    @Test
    void aMemberJoinedThroughOneNodeIsSeenByAnotherAndLeavesWhenItsNodeSignsOff() throws Exception {
        TestBusContext aContext = context();
        LiveBus a = node(aContext);
        LiveBus b = node(context());
        for (String channel : channelOnEveryPrimary("room")) {
            BlockingQueue<PresenceEvent> onB = presenceOf(b, channel);
            a.join(channel, "ann", "{\"n\":1}", 100);
            PresenceEvent join = onB.poll(10, TimeUnit.SECONDS);
            assertThat(join).as("join on %s", channel).isNotNull();
            assertThat(join.action()).isEqualTo("join");
            assertThat(join.info()).isEqualTo("{\"n\":1}");
            assertThat(b.members(channel)).extracting(PresenceMember::member).containsExactly("ann");
        }
        List<String> channels = channelOnEveryPrimary("room");
        List<BlockingQueue<PresenceEvent>> leaves = channels.stream().map(c -> presenceOf(b, c)).toList();
        a.close(); // a node stopping signs its members off at once
        for (int i = 0; i < channels.size(); i++) {
            PresenceEvent leave = leaves.get(i).poll(10, TimeUnit.SECONDS);
            assertThat(leave).as("leave on %s", channels.get(i)).isNotNull();
            assertThat(leave.action()).isEqualTo("leave");
            assertThat(b.members(channels.get(i))).isEmpty();
        }
    }

    @Test
    void theMembersOfANodeThatStoppedRenewingLeaveOnEveryShardWithinFourThirdsOfTheNodeTimeout() throws Exception {
        LiveBus a = node(context());
        TestBusContext deadContext = context();
        LiveBus dying = node(deadContext);
        List<String> channels = channelOnEveryPrimary("crash");
        List<BlockingQueue<PresenceEvent>> events = new ArrayList<>();
        for (String channel : channels) {
            BlockingQueue<PresenceEvent> e = presenceOf(a, channel);
            events.add(e);
            dying.join(channel, "bob", "2", 100);
            dying.join(channel, "ann", "1", 100);
            a.join(channel, "ann", "1", 100); // held by both nodes: stays when the dying one goes
            assertThat(e.poll(10, TimeUnit.SECONDS)).extracting(PresenceEvent::member).isEqualTo("bob");
            assertThat(e.poll(10, TimeUnit.SECONDS)).extracting(PresenceEvent::member).isEqualTo("ann");
        }

        long died = System.nanoTime();
        deadContext.close(); // its scheduler stops: no more renewals, and it never signs off (as a crashed node)

        for (int i = 0; i < channels.size(); i++) {
            PresenceEvent leave = events.get(i).poll(10, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
            assertThat(leave).as("leave on %s", channels.get(i)).isNotNull();
            assertThat(leave.action()).isEqualTo("leave");
            assertThat(leave.member()).isEqualTo("bob");
            // 4/3 of the timeout after the last renewal, which came at most a third before the stop;
            // a second is left for scheduling on a busy machine
            assertThat(tookMillis).as("leave after %d ms", tookMillis).isLessThan(NODE_TIMEOUT * 4 / 3 + 1000);
            assertThat(a.members(channels.get(i))).extracting(PresenceMember::member).containsExactly("ann");
        }
        for (BlockingQueue<PresenceEvent> e : events) {
            assertThat(e.poll(100, TimeUnit.MILLISECONDS)).as("ann, still held by a, does not leave").isNull();
        }
    }

    @Test
    void anEphemeralMessageReachesTheOtherNodeOnEveryShard() throws Exception {
        LiveBus a = node(context());
        LiveBus b = node(context());
        for (String channel : channelOnEveryPrimary("typing")) {
            BlockingQueue<Message> onB = new LinkedBlockingQueue<>();
            b.listen(channel, new LiveListener() {
                @Override
                public void onEphemeral(Message message) {
                    onB.add(message);
                }
            });
            a.publish(Message.ephemeral(channel, "typing", "{\"user\":\"ann\"}", 42));
            Message m = onB.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("ephemeral on %s", channel).isNotNull();
            assertThat(m.channel()).isEqualTo(channel);
            assertThat(m.data()).isEqualTo("{\"user\":\"ann\"}");
            assertThat(m.timestamp()).isEqualTo(42);
        }
    }

    @Test
    void presenceFollowsAChannelWhoseSlotMovesToAnotherPrimary() throws Exception {
        LiveBus a = node(context());
        LiveBus b = node(context());
        String channel = "moving-" + System.nanoTime();
        List<String> resyncs = new CopyOnWriteArrayList<>();
        BlockingQueue<PresenceEvent> onB = new LinkedBlockingQueue<>();
        b.listen(channel, new LiveListener() {
            @Override
            public void onPresence(PresenceEvent event) {
                onB.add(event);
            }

            @Override
            public void onResync(String c) {
                resyncs.add(c);
            }
        });
        a.join(channel, "ann", "1", 100);
        assertThat(onB.poll(10, TimeUnit.SECONDS)).extracting(PresenceEvent::action).isEqualTo("join");

        String key = prefix + "{" + channel + "}:pm";
        cluster.moveSlot(key, cluster.primaryOtherThan(cluster.primaryOf(key)));

        assertThat(waitFor(() -> resyncs.contains(channel), 15)).as("b's listener told to take a fresh member list").isTrue();
        assertThat(b.members(channel)).extracting(PresenceMember::member).containsExactly("ann");
        a.join(channel, "bob", "2", 100);
        PresenceEvent join = onB.poll(10, TimeUnit.SECONDS);
        assertThat(join).as("a join after the move reaches b").isNotNull();
        assertThat(join.member()).isEqualTo("bob");
        a.leave(channel, "ann");
        assertThat(onB.poll(10, TimeUnit.SECONDS)).extracting(PresenceEvent::action).isEqualTo("leave");
    }

    private static BlockingQueue<PresenceEvent> presenceOf(LiveBus live, String channel) {
        BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
        live.listen(channel, new LiveListener() {
            @Override
            public void onPresence(PresenceEvent event) {
                events.add(event);
            }
        });
        return events;
    }
}
