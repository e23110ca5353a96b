package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.MessageBusContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** The Redis bus passes the bus compatibility kit against a real redis-server started for this class. */
class RedisBusContractTest extends MessageBusContract {
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
    protected Map<String, String> parameters() {
        if (redis == null) {
            return Map.of();
        }
        return Map.of(RedisSettings.URI, redis.uri(), RedisSettings.PREFIX, "contract:");
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        // assumed here rather than in @BeforeAll, so every test is reported as skipped, with the reason
        Assumptions.assumeTrue(redis != null, RedisServer.SKIP_MESSAGE);
        return new RedisBusProvider().create(context);
    }
}
