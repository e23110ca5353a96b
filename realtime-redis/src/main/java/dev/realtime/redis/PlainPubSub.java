package dev.realtime.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.net.SocketAddress;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/** Plain pub/sub on one server (or Sentinel's primary) over one connection that Lettuce reconnects. */
final class PlainPubSub implements PubSub {
    private static final System.Logger LOG = System.getLogger(PlainPubSub.class.getName());

    private final StatefulRedisPubSubConnection<String, String> connection;
    private volatile boolean closed;

    /** @param what for the log when the connection drops, e.g. "Redis bus" */
    PlainPubSub(StatefulRedisPubSubConnection<String, String> connection, Events events, String what, String displayUri) {
        this.connection = connection;
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                events.message(channel, payload);
            }

            @Override
            public void message(String pattern, String channel, String payload) {
                events.patternMessage(pattern, channel, payload);
            }
        });
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                events.reconnected();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "{0} lost its pub/sub connection to {1}; reconnecting", what, displayUri);
                }
            }
        });
    }

    @Override
    public CompletableFuture<Void> subscribe(String pubsubChannel) {
        return connection.async().subscribe(pubsubChannel).toCompletableFuture();
    }

    @Override
    public void unsubscribe(String pubsubChannel) {
        connection.async().unsubscribe(pubsubChannel);
    }

    @Override
    public CompletableFuture<Void> resubscribe(Collection<String> pubsubChannels) {
        return connection.async().subscribe(pubsubChannels.toArray(String[]::new)).toCompletableFuture();
    }

    @Override
    public boolean patterns() {
        return true;
    }

    @Override
    public CompletableFuture<Void> psubscribe(Collection<String> patterns) {
        return connection.async().psubscribe(patterns.toArray(String[]::new)).toCompletableFuture();
    }

    @Override
    public void punsubscribe(String pattern) {
        connection.async().punsubscribe(pattern);
    }

    @Override
    public boolean receiving() {
        return connection.isOpen();
    }

    @Override
    public void ping() {
        connection.async().ping();
    }

    @Override
    public void close() {
        closed = true;
        connection.close();
    }
}
