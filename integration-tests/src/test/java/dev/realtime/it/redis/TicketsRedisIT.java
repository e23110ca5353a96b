package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import dev.realtime.it.support.TicketPeer;
import dev.realtime.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection tickets across nodes that share one real Redis and the signing key: a ticket issued on
 * one node is accepted on another, and only once in all, since the claim is in Redis. On every
 * transport. (A node without the shared key refusing the others' tickets: TicketsIT.)
 */
class TicketsRedisIT {
    static final String KEY = "two-node ticket key, thirty-two bytes or longer";
    private static RedisServer redis;
    private static RedisNodes shared;
    private static RedisNodes.Node a;
    private static RedisNodes.Node b;

    private TicketPeer onA;
    private TicketPeer onB;
    private String room;

    @BeforeAll
    static void start() {
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            String prefix = "tk" + Long.toString(System.nanoTime(), 36) + ":";
            shared = new RedisNodes(redis.uri(), prefix, Map.of("realtime.ticket.key", KEY));
            a = shared.start("a");
            b = shared.start("b");
        }
    }

    @AfterAll
    static void stop() {
        for (RedisNodes.Node n : new RedisNodes.Node[]{a, b}) {
            if (n != null) {
                n.stop();
            }
        }
        for (AutoCloseable c : new AutoCloseable[]{shared, redis}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @BeforeEach
    void peers() {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        onA = new TicketPeer(new Http(a.base));
        onB = new TicketPeer(new Http(b.base));
        room = "room:" + UUID.randomUUID();
    }

    @Test
    void aTicketFromOneNodeAdmitsOnceOnAnotherAndIsThenUsedEverywhere() throws Exception {
        for (TicketPeer.Way way : TicketPeer.Way.values()) {
            String ticket = onA.ticket("user=ann");
            try (TicketPeer.Outcome first = onB.connect(way, ticket, room)) {
                assertThat(first.status()).as(way + " on B: " + first.body()).isEqualTo(200);
            }
            for (TicketPeer peer : new TicketPeer[]{onA, onB}) {
                try (TicketPeer.Outcome again = peer.connect(way, ticket, room)) {
                    assertThat(again.status()).as(way + " replayed").isEqualTo(401);
                    assertThat(again.code()).as(way + " replayed").isEqualTo("ticket_used");
                }
            }
        }
    }
}
