package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.tck.LiveBusContract;
import dev.realtime.spi.MessageBus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** The Redis bus passes the protocol 1.1 kit against a real redis-server, two buses standing for two nodes. */
class RedisLiveContractTest extends LiveBusContract {
    private static RedisServer redis;

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

    @Override
    protected boolean sharedAcrossNodes() {
        return true;
    }

    @Override
    protected Map<String, String> parameters() {
        return redis == null ? Map.of() : Map.of(RedisSettings.URI, redis.uri(), RedisSettings.PREFIX, "live:");
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        return new RedisBusProvider().create(context);
    }
}
