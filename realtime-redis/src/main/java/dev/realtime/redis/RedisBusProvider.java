package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;

/**
 * {@code realtime.bus=redis}: a bus shared by every node connected to one Redis (5 or newer with
 * Streams; 6.2 or newer for exclusive ranges). History lives in one Redis Stream per channel, so a
 * cursor issued by one node resumes on any other; pub/sub carries live messages to every node.
 * A standalone Redis, one behind Sentinel ({@code redis-sentinel://...}), or a Redis Cluster 7+
 * ({@code redis-cluster://host:port,...}: each channel's keys in its own hash slot, sharded pub/sub;
 * see {@link KeyLayout} and {@link ClusterLink}). Use a {@code noeviction}
 * or {@code volatile-*} memory policy: the bus's counters and epoch have no expiry and must not be
 * evicted. Without persistence a restarted Redis starts a new epoch, and clients get a gap.
 *
 * <p>Parameters:
 * <ul>
 *   <li>{@value RedisSettings#URI} (default {@value RedisSettings#DEFAULT_URI}): a Lettuce Redis URI,
 *       e.g. {@code redis://:secret@redis.internal:6379/0} or {@code rediss://...} for TLS, or the seed
 *       nodes of a cluster, {@code redis-cluster://[:secret@]host:port[,host:port...]};</li>
 *   <li>{@value RedisSettings#PREFIX} (default {@value RedisSettings#DEFAULT_PREFIX}): prefix of every
 *       key and pub/sub channel, so several applications can share a Redis;</li>
 *   <li>{@value RedisSettings#TIMEOUT} (default 2000): command timeout in milliseconds (or an ISO-8601
 *       duration such as {@code PT2S}); while Redis is unreachable, publishing fails after at most this.</li>
 * </ul>
 */
public final class RedisBusProvider implements MessageBusProvider {
    @Override
    public String name() {
        return "redis";
    }

    @Override
    public MessageBus create(BusContext context) {
        return RedisBus.start(RedisSettings.from(context), context);
    }
}
