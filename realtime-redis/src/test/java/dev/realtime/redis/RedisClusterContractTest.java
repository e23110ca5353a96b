package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.MessageBusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/**
 * The Redis bus passes the bus compatibility kit against a real three-primary Redis Cluster started once
 * for this class: keys in each channel's slot, sharded pub/sub on the slot's primary.
 */
class RedisClusterContractTest extends MessageBusContract {
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
    protected Map<String, String> parameters() {
        if (cluster == null) {
            return Map.of();
        }
        return Map.of(RedisSettings.URI, cluster.uri(), RedisSettings.PREFIX, "contract:");
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        Assumptions.assumeTrue(cluster != null, RedisServer.SKIP_MESSAGE);
        return new RedisBusProvider().create(context);
    }
}
