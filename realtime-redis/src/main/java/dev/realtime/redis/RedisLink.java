package dev.realtime.redis;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * The connections a Redis bus talks through: to one server (directly or through Sentinel), or to a
 * Redis Cluster. The bus decides what to send; the link decides where it goes and keeps pub/sub alive.
 *
 * @param <C> Lettuce's synchronous commands of the connection ({@code RedisClusterCommands} is what
 *            one server's and a cluster's share)
 */
interface RedisLink<C extends RedisClusterCommands<String, String>> extends AutoCloseable {

    /** The commands; on a cluster each keyed command goes to the primary that owns its keys. */
    C commands();

    /** The bus's pub/sub side. */
    PubSub pubsub();

    /** Another pub/sub side, for protocol 1.1's {@link RedisLive}; closed by its owner before the link. */
    PubSub openPubSub(PubSub.Events events);

    /** Sends PING on every connection of the link without waiting, so that one gone silent shows ({@link ConnectionHealth}). */
    void pingAll();

    @Override
    void close();
}
