package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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

/**
 * A Redis Cluster changing under the bus: a primary failing over to its replica, a slot moved by
 * resharding, a shard losing its data. Three primaries with one replica each, started once for the
 * class; each test leaves the cluster healthy for the next.
 */
class RedisClusterFailoverTest {
    private static final String PREFIX = "fo:";
    private static RedisCluster cluster;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startOrSkip(3, 1);
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

    private MessageBus node() {
        TestBusContext context = new TestBusContext(1000, Duration.ofMinutes(10), Map.of(
                RedisSettings.URI, cluster.uri(), RedisSettings.PREFIX, PREFIX, RedisSettings.TIMEOUT, "1000"));
        toClose.add(context);
        MessageBus bus = new RedisBusProvider().create(context);
        toClose.add(bus);
        return bus;
    }

    @Test
    void aPrimaryFailingOverKeepsOrderNeverReusesAPositionAndReportsTheGap() throws Exception {
        MessageBus publisherNode = node();
        MessageBus subscriberNode = node();
        String channel = "failover-" + System.nanoTime();
        Recorder live = new Recorder();
        subscriberNode.subscribe(channel, live);
        List<Published> before = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            before.add(publisherNode.publish(channel, "message", Integer.toString(i), null));
        }
        assertThat(waitFor(() -> live.messages.size() == 20, 10)).as("live delivery before the failover").isTrue();

        // a publisher keeps publishing every 5 ms through the failover
        List<Published> accepted = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            int n = 20;
            while (!stop.get()) {
                try {
                    accepted.add(publisherNode.publish(channel, "message", Integer.toString(n++), null));
                } catch (BusUnavailableException e) {
                    // refused while the shard has no primary: the caller may retry
                } catch (Throwable t) {
                    unexpected.add(t);
                }
                sleep(5);
            }
        });
        publisher.start();
        RedisServer primary = cluster.primaryOf(PREFIX + "{" + channel + "}:n");
        int acceptedBeforeKill = accepted.size();
        RedisServer promoted;
        try {
            promoted = cluster.killAndAwaitFailover(primary, PREFIX + "{" + channel + "}:n");
            int afterFailover = accepted.size();
            assertThat(waitFor(() -> accepted.size() > afterFailover + 20, 30)).as("publishing resumes on the promoted replica").isTrue();
        } finally {
            stop.set(true);
            publisher.join(10_000);
        }
        assertThat(unexpected).as("only BusUnavailableException while the shard has no primary").isEmpty();
        assertThat(promoted).isNotSameAs(primary);

        List<Long> positions = new ArrayList<>(before.stream().map(Published::position).toList());
        accepted.forEach(p -> positions.add(p.position()));
        assertThat(positions).as("positions only grow: none handed out twice").isSorted().doesNotHaveDuplicates();

        // the promoted replica may lack the last writes, so its positions moved on: a cursor from before is a gap
        Published lastBeforeKill = acceptedBeforeKill > 0 ? accepted.get(acceptedBeforeKill - 1) : before.get(before.size() - 1);
        HistoryPage resumed = publisherNode.read(channel, publisherNode.epoch(), lastBeforeKill.position(), 1000);
        assertThat(resumed.gap()).as("resuming across the failover reports a gap").isTrue();
        assertThat(resumed.messages()).extracting(Message::position).isSorted();

        // the subscriber's subscription followed the slot to its new primary, and it was told to resync
        Published last = accepted.get(accepted.size() - 1);
        assertThat(waitFor(() -> live.resyncs.contains(channel), 15)).as("onResync after the failover").isTrue();
        Published fresh = publisherNode.publish(channel, "message", "\"fresh\"", null);
        assertThat(waitFor(() -> live.positions().contains(fresh.position()), 15)).as("live delivery after the failover").isTrue();
        assertThat(live.positions()).as("live order").isSorted().doesNotHaveDuplicates();
        assertThat(fresh.position()).isGreaterThan(last.position());

        primary.start(); // rejoins as a replica of the promoted one, for the next test
        cluster.awaitHealthy();
    }

    @Test
    void aSlotMovedByReshardingKeepsDeliveringAfterAResync() throws Exception {
        MessageBus publisherNode = node();
        MessageBus subscriberNode = node();
        String channel = "moved-" + System.nanoTime();
        Recorder live = new Recorder();
        subscriberNode.subscribe(channel, live);
        Published first = publisherNode.publish(channel, "message", "1", null);
        assertThat(waitFor(() -> live.positions().contains(first.position()), 10)).isTrue();

        String key = PREFIX + "{" + channel + "}:n";
        cluster.moveSlot(key, cluster.primaryOtherThan(cluster.primaryOf(key)));

        assertThat(waitFor(() -> live.resyncs.contains(channel), 15)).as("onResync once the slot moved").isTrue();
        Published after = publishUntilAccepted(publisherNode, channel);
        assertThat(waitFor(() -> live.positions().contains(after.position()), 15)).as("live delivery from the new owner").isTrue();
        assertThat(after.position()).isGreaterThan(first.position());
        HistoryPage all = publisherNode.read(channel, publisherNode.epoch(), 0, 100);
        assertThat(all.messages()).extracting(Message::position).contains(first.position(), after.position());
    }

    @Test
    void aShardThatLostItsDataHandsOutNoPositionTwiceAndOldCursorsGetAGap() throws Exception {
        MessageBus bus = node();
        String channel = "lost-" + System.nanoTime();
        List<Published> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            before.add(bus.publish(channel, "message", Integer.toString(i), null));
        }
        RedisServer primary = cluster.primaryOf(PREFIX + "{" + channel + "}:n");
        assertThat(primary.send("FLUSHALL")).isEqualTo("+OK");

        Published after = bus.publish(channel, "message", "\"after\"", null);
        assertThat(after.position()).as("a position past every one handed out before").isGreaterThan(before.get(4).position());
        HistoryPage fromOld = bus.read(channel, bus.epoch(), before.get(2).position(), 100);
        assertThat(fromOld.gap()).as("a cursor into the lost history is a gap").isTrue();
        assertThat(fromOld.messages()).extracting(Message::position).containsExactly(after.position());
        HistoryPage fromNew = bus.read(channel, bus.epoch(), after.position(), 100);
        assertThat(fromNew.gap()).isFalse();
        assertThat(fromNew.messages()).isEmpty();
    }

    /** Publishes until the cluster accepts (a moment of TRYAGAIN or a stale route after a change is allowed). */
    private static Published publishUntilAccepted(MessageBus bus, String channel) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return bus.publish(channel, "message", "\"after\"", null);
            } catch (BusUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }
}
