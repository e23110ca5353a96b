package dev.realtime.redis;

import dev.realtime.PresenceMember;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.TestBusContext;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence across nodes on a real redis-server when a node stops without signing off: its members
 * leave within 4/3 of {@code realtime.redis.nodeTimeout}; a node that was taken for dead but lives on
 * joins its members again.
 */
class RedisPresenceTest {
    private static final long NODE_TIMEOUT = 1200;
    private static RedisServer redis;
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<TestBusContext> contexts = new ArrayList<>();
    private final String prefix = "pt" + Long.toString(System.nanoTime(), 36) + ":";

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.startIfInstalled();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void skipWithoutRedis() {
        org.junit.jupiter.api.Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
    }

    @AfterEach
    void closeAll() {
        buses.forEach(MessageBus::close);
        contexts.forEach(TestBusContext::close);
    }

    private TestBusContext context() {
        TestBusContext c = new TestBusContext(20, Duration.ofMinutes(10), Map.of(RedisSettings.URI, redis.uri(),
                RedisSettings.PREFIX, prefix, RedisSettings.NODE_TIMEOUT, Long.toString(NODE_TIMEOUT)));
        contexts.add(c);
        return c;
    }

    private LiveBus node(TestBusContext c) {
        MessageBus bus = new RedisBusProvider().create(c);
        buses.add(bus);
        return bus.live();
    }

    @Test
    void theMembersOfANodeThatStoppedRenewingLeaveWithinFourThirdsOfTheNodeTimeout() throws Exception {
        LiveBus a = node(context());
        TestBusContext deadContext = context();
        LiveBus b = node(deadContext);
        BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
        a.listen("room:1", new LiveListener() {
            @Override
            public void onPresence(PresenceEvent event) {
                events.add(event);
            }
        });
        a.join("room:1", "ann", "1", 100);
        b.join("room:1", "bob", "2", 100);
        b.join("room:1", "ann", "1", 100); // held by both nodes: stays when b dies
        assertThat(events.poll(5, TimeUnit.SECONDS)).extracting(PresenceEvent::member).isEqualTo("ann");
        assertThat(events.poll(5, TimeUnit.SECONDS)).extracting(PresenceEvent::member).isEqualTo("bob");

        long died = System.nanoTime();
        deadContext.close(); // b's scheduler stops: no more renewals, and b never signs off (as a crashed node)

        PresenceEvent leave = events.poll(10, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
        assertThat(leave).isNotNull();
        assertThat(leave.action()).isEqualTo("leave");
        assertThat(leave.member()).isEqualTo("bob");
        // the documented bound is 4/3 of the timeout after the last renewal (which came at most a third
        // before the stop); a second is left for scheduling on a busy machine
        assertThat(tookMillis).as("leave after %d ms", tookMillis).isLessThan(NODE_TIMEOUT * 4 / 3 + 1000);
        assertThat(a.members("room:1")).extracting(PresenceMember::member).containsExactly("ann");
        assertThat(events.poll(NODE_TIMEOUT, TimeUnit.MILLISECONDS)).as("ann, still held by a, does not leave").isNull();
    }

    @Test
    void aNodeTakenForDeadJoinsItsMembersAgain() throws Exception {
        LiveBus a = node(context());
        LiveBus b = node(context());
        b.join("room:2", "cy", "{\"n\":1}", 100);
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            Set<String> nodes = c.sync().smembers(prefix + "nodes");
            assertThat(nodes).hasSize(2);
            for (String id : nodes) {
                if (c.sync().sismember(prefix + "node:" + id + ":holds", "room:2\ncy")) {
                    c.sync().del(prefix + "node:" + id); // b's liveness gone, as after a pause longer than the timeout
                }
            }
        } finally {
            client.shutdown();
        }
        // a reaps b's old id and b rejoins under a new one, in either order: cy ends up present
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NODE_TIMEOUT * 3);
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(a.members("room:2")).extracting(PresenceMember::member).containsExactly("cy");
        assertThat(a.members("room:2")).extracting(PresenceMember::info).containsExactly("{\"n\":1}");
    }
}
