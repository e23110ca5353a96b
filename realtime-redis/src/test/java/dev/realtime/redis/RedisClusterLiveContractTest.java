package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.LiveBusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/**
 * The Redis bus passes the protocol 1.1 kit against a real three-primary Redis Cluster, two buses
 * standing for two nodes: presence and ephemeral messages cross nodes through each channel's slot,
 * and wildcard subscriptions are refused (sharded pub/sub has no patterns).
 */
class RedisClusterLiveContractTest extends LiveBusContract {
    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startIfInstalled(3, 0);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected boolean sharedAcrossNodes() {
        return true;
    }

    @Override
    protected boolean supportsPatterns() {
        return false;
    }

    @Override
    protected Map<String, String> parameters() {
        return cluster == null ? Map.of() : Map.of(RedisSettings.URI, cluster.uri(), RedisSettings.PREFIX, "live:");
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        Assumptions.assumeTrue(cluster != null, RedisServer.SKIP_MESSAGE);
        return new RedisBusProvider().create(context);
    }
}
