package dev.realtime.redis;

import io.lettuce.core.api.sync.BaseRedisCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.api.sync.RedisStringCommands;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * The connections a Redis bus talks through: to one server (directly or through Sentinel), or to a
 * Redis Cluster. The bus decides what to send; the link decides where it goes and keeps pub/sub alive.
 *
 * @param <C> Lettuce's synchronous commands of the connection: the bus needs scripts, GET and PING
 */
interface RedisLink<C extends BaseRedisCommands<String, String> & RedisScriptingCommands<String, String>
        & RedisStringCommands<String, String>> extends AutoCloseable {

    /** The commands; on a cluster each keyed command goes to the primary that owns its keys. */
    C commands();

    /** Sends PING on every connection without waiting, so that one gone silent shows ({@link ConnectionHealth}). */
    void pingAll();

    /** Whether live messages can arrive: the pub/sub connection is open (on a cluster, every subscription is placed). */
    boolean receiving();

    /** Starts receiving a pub/sub channel; completes once Redis confirmed the subscription. */
    CompletableFuture<Void> subscribe(String pubsubChannel);

    /** Stops receiving a pub/sub channel (sent in order after any earlier subscribe of it). */
    void unsubscribe(String pubsubChannel);

    /** Subscribes again, after {@link Events#reconnected()}, to every channel still wanted. */
    CompletableFuture<Void> resubscribe(Collection<String> pubsubChannels);

    @Override
    void close();

    /** What the link reports to its bus. Called on the link's threads: implementations only hand work on. */
    interface Events {
        void message(String pubsubChannel, String payload);

        /** The pub/sub connection came back after a loss: the bus resubscribes, re-reads the epoch and resyncs all. */
        void reconnected();

        /**
         * The link itself moved these subscriptions to the node that now owns them (a failover, a resharding,
         * a lost node connection): messages published meanwhile may be missing, so their listeners resync.
         */
        void resubscribed(Collection<String> pubsubChannels);
    }
}
