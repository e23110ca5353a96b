package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.CrossNodeLiveContract;
import dev.realtime.tck.LiveBusContract;
import dev.realtime.tck.RefusesWildcardsContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * The Redis bus passes the protocol 1.1 kit against a real three-primary Redis Cluster, two buses
 * standing for two nodes: presence and ephemeral messages cross nodes through each channel's slot,
 * and wildcard subscriptions are refused (sharded pub/sub has no patterns).
 */
class RedisClusterLiveContractTest {
    @RegisterExtension
    static final RedisForKit cluster = RedisForKit.cluster("live:");

    @Nested
    class Live extends LiveBusContract {
        @Override
        protected Map<String, String> parameters() {
            return cluster.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return cluster.createBus(context);
        }
    }

    @Nested
    class NoWildcards extends RefusesWildcardsContract {
        @Override
        protected Map<String, String> parameters() {
            return cluster.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return cluster.createBus(context);
        }
    }

    @Nested
    class CrossNode extends CrossNodeLiveContract {
        @Override
        protected Map<String, String> parameters() {
            return cluster.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return cluster.createBus(context);
        }
    }
}
