package dev.realtime.redis;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * One pub/sub side of a {@link RedisLink}: plain pub/sub on one server ({@link PlainPubSub}), sharded
 * pub/sub following each channel's slot on a cluster ({@link ShardedPubSub}). The bus has one, and
 * protocol 1.1's {@link RedisLive} opens its own, so neither disturbs the other's subscriptions.
 */
interface PubSub extends AutoCloseable {

    /** Starts receiving a pub/sub channel; completes once Redis confirmed the subscription. */
    CompletableFuture<Void> subscribe(String pubsubChannel);

    /** Stops receiving a pub/sub channel (sent in order after any earlier subscribe of it). */
    void unsubscribe(String pubsubChannel);

    /** Subscribes again, after {@link Events#reconnected()}, to every channel still wanted. */
    CompletableFuture<Void> resubscribe(Collection<String> pubsubChannels);

    /** Whether patterns ({@link #psubscribe}) can be subscribed: plain pub/sub only, sharded pub/sub has none. */
    default boolean patterns() {
        return false;
    }

    /** Starts (or, after {@link Events#reconnected()}, restarts) receiving the channels matching these patterns. */
    default CompletableFuture<Void> psubscribe(Collection<String> patterns) {
        throw new UnsupportedOperationException("sharded pub/sub has no patterns");
    }

    default void punsubscribe(String pattern) {
        throw new UnsupportedOperationException("sharded pub/sub has no patterns");
    }

    /** Whether messages can arrive: the connection is open (sharded: every subscription is placed). */
    boolean receiving();

    /** Sends PING on every connection without waiting, so that one gone silent shows ({@link ConnectionHealth}). */
    void ping();

    @Override
    void close();

    /** What a pub/sub side reports. Called on the link's threads: implementations only hand work on. */
    interface Events {
        void message(String pubsubChannel, String payload);

        /** A message on a channel matching a pattern subscribed with {@link #psubscribe}. */
        default void patternMessage(String pattern, String pubsubChannel, String payload) {
        }

        /** The connection came back after a loss: the owner subscribes again, and resyncs its listeners. */
        void reconnected();

        /**
         * The pub/sub side itself moved these subscriptions to the node that now owns them (a failover, a
         * resharding, a lost node connection): messages published meanwhile may be missing.
         */
        void resubscribed(Collection<String> pubsubChannels);
    }
}
