package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A real Redis, one server or a three-primary cluster, started once for a class of kit tests (register it
 * as a static {@code @RegisterExtension} field) and the Redis buses the kit creates on it. Its
 * {@code @Nested} classes share it: JUnit calls the callbacks for them too, so it starts on the first
 * and stops after the last. Without redis-server the kit's tests are skipped (failed instead with
 * {@code REALTIME_REQUIRE_REDIS=true}).
 */
final class RedisForKit implements BeforeAllCallback, AfterAllCallback {
    private final boolean cluster;
    private final String prefix;
    private int classes;
    private AutoCloseable redis;
    private String uri;

    private RedisForKit(boolean cluster, String prefix) {
        this.cluster = cluster;
        this.prefix = prefix;
    }

    /** One redis-server; the buses' keys start with {@code prefix}. */
    static RedisForKit server(String prefix) {
        return new RedisForKit(false, prefix);
    }

    /** A Redis Cluster of three primaries without replicas; the buses' keys start with {@code prefix}. */
    static RedisForKit cluster(String prefix) {
        return new RedisForKit(true, prefix);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classes++ > 0) {
            return;
        }
        if (cluster) {
            RedisCluster c = RedisCluster.startIfInstalled(3, 0);
            redis = c;
            uri = c == null ? null : c.uri();
        } else {
            RedisServer s = RedisServer.startIfInstalled();
            redis = s;
            uri = s == null ? null : s.uri();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (--classes == 0 && redis != null) {
            redis.close();
            redis = null;
            uri = null;
        }
    }

    /** The kit's context parameters: where Redis runs and the key prefix. */
    Map<String, String> parameters() {
        return uri == null ? Map.of() : Map.of(RedisSettings.URI, uri, RedisSettings.PREFIX, prefix);
    }

    /**
     * A Redis bus for the kit. Without redis-server the test is skipped here rather than in a
     * {@code beforeAll}, so every test is reported as skipped, with the reason.
     */
    MessageBus createBus(BusContext context) {
        Assumptions.assumeTrue(uri != null, RedisServer.SKIP_MESSAGE);
        return new RedisBusProvider().create(context);
    }
}
