package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.MessageBusContract;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

/**
 * The Redis bus passes the bus compatibility kit against a real three-primary Redis Cluster started once
 * for this class: keys in each channel's slot, sharded pub/sub on the slot's primary.
 */
class RedisClusterContractTest extends MessageBusContract {
    @RegisterExtension
    static final RedisForKit cluster = RedisForKit.cluster("contract:");

    @Override
    protected Map<String, String> parameters() {
        return cluster.parameters();
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        return cluster.createBus(context);
    }
}
