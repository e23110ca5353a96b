package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.CrossNodeLiveContract;
import dev.realtime.tck.LiveBusContract;
import dev.realtime.tck.WildcardContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * The Redis bus passes the protocol 1.1 kit against a real redis-server, two buses standing for two
 * nodes: the live bus, wildcard subscriptions (PSUBSCRIBE on one server) and presence and ephemeral
 * messages across nodes.
 */
class RedisLiveContractTest {
    @RegisterExtension
    static final RedisForKit redis = RedisForKit.server("live:");

    @Nested
    class Live extends LiveBusContract {
        @Override
        protected Map<String, String> parameters() {
            return redis.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return redis.createBus(context);
        }
    }

    @Nested
    class Wildcards extends WildcardContract {
        @Override
        protected Map<String, String> parameters() {
            return redis.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return redis.createBus(context);
        }
    }

    @Nested
    class CrossNode extends CrossNodeLiveContract {
        @Override
        protected Map<String, String> parameters() {
            return redis.parameters();
        }

        @Override
        protected MessageBus createBus(BusContext context) {
            return redis.createBus(context);
        }
    }
}
