package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import dev.realtime.redis.RedisCluster;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests of {@link TwoNodePresenceIT} on a Redis Cluster (three primaries, started once for the
 * class): presence is one per channel across nodes and a killed node's members leave in time, over
 * real transports. Ephemeral messages cross nodes; wildcard subscriptions are refused with the
 * protocol's error (sharded pub/sub has no patterns).
 */
class TwoNodePresenceClusterIT extends TwoNodePresenceIT {
    private static RedisCluster cluster;

    /** Hides the parent's: the same nodes, pointed at a cluster. */
    @BeforeAll
    static void start() {
        cluster = RedisCluster.startIfInstalled(3, 0);
        if (cluster != null) {
            startNodes(cluster.uri());
        }
    }

    @AfterAll
    static void stop() {
        stopNodes();
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    @Test
    void ephemeralMessagesAndWildcardsCrossNodes() throws Exception {
        String channel = "typing:" + UUID.randomUUID();
        WsClient onA = ws(a.base, "?v=1.1&channel=" + enc(channel));
        onA.next("subscribed");
        Http httpB = new Http(b.base);
        HttpResponse<String> sent = httpB.send(HttpRequest.newBuilder(httpB.uri("/realtime/publish?channel=" + enc(channel)
                        + "&event=typing&ephemeral=true"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("true")).build());
        assertThat(sent.statusCode()).isEqualTo(202);
        JsonObject typing = onA.next("message");
        assertThat(typing.getString("channel")).isEqualTo(channel);
        assertThat(typing.getBoolean("ephemeral")).isTrue();
        assertThat(typing.getString("event")).isEqualTo("typing");

        HttpResponse<String> wildcard = httpB.get("/realtime/poll?v=1.1&timeout=0&channel=" + enc("fam:*"));
        assertThat(wildcard.statusCode()).isEqualTo(400);
        assertThat(Http.json(wildcard).getString("error")).isEqualTo("invalid_channel");
    }
}
