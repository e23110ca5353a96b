package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.Claim;
import dev.realtime.spi.MessageBus;
import dev.realtime.tck.MessageBusContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis bus passes the bus compatibility kit against a real redis-server started for this class. */
class RedisBusContractTest extends MessageBusContract {
    @RegisterExtension
    static final RedisForKit redis = RedisForKit.server("contract:");

    @Override
    protected Map<String, String> parameters() {
        return redis.parameters();
    }

    @Override
    protected MessageBus createBus(BusContext context) {
        return redis.createBus(context);
    }

    /** Redis keeps claims for every node (the kit also accepts a bus that keeps none), and they expire by themselves. */
    @Test
    void claimsAreSharedInRedisAndExpireAfterTheirTtl() throws InterruptedException {
        String key = "ticket:" + channel("expiring");
        var otherNode = newBus(newContext());
        assertThat(bus.claimOnce(key, Duration.ofSeconds(1))).isEqualTo(Claim.CLAIMED);
        assertThat(otherNode.claimOnce(key, Duration.ofSeconds(1))).isEqualTo(Claim.ALREADY_CLAIMED);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Claim again;
        do {
            Thread.sleep(50);
            again = bus.claimOnce(key, Duration.ofMinutes(1));
        } while (again != Claim.CLAIMED && System.nanoTime() < deadline);
        assertThat(again).as("claimable again once Redis expired the key").isEqualTo(Claim.CLAIMED);
    }
}
