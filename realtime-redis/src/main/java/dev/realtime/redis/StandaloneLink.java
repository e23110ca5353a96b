package dev.realtime.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * One Redis server, or the primary Sentinel names: one command connection and one pub/sub connection,
 * both reconnecting by themselves. When pub/sub comes back the bus is told, and it resubscribes.
 */
final class StandaloneLink implements RedisLink<RedisCommands<String, String>> {
    private static final System.Logger LOG = System.getLogger(StandaloneLink.class.getName());

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisCommands<String, String> commands;
    private volatile boolean closed;

    private StandaloneLink(RedisClient client, StatefulRedisConnection<String, String> connection,
                           StatefulRedisPubSubConnection<String, String> pubsub) {
        this.client = client;
        this.connection = connection;
        this.pubsub = pubsub;
        this.commands = connection.sync();
    }

    static StandaloneLink connect(RedisSettings settings, ClientResources resources, Events events) {
        RedisClient client = RedisClient.create(resources, settings.uri());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).keepAlive(true).build())
                .build());
        StatefulRedisConnection<String, String> connection = null;
        try {
            connection = client.connect(StringCodec.UTF8);
            connection.setTimeout(settings.timeout());
            StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub(StringCodec.UTF8);
            pubsub.setTimeout(settings.timeout());
            StandaloneLink link = new StandaloneLink(client, connection, pubsub);
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String payload) {
                    events.message(channel, payload);
                }
            });
            pubsub.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                    events.reconnected();
                }

                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    if (!link.closed) {
                        LOG.log(System.Logger.Level.WARNING, "Redis bus lost its pub/sub connection to {0}; reconnecting",
                                settings.displayUri());
                    }
                }
            });
            return link;
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    /** For the protocol 1.1 side of the bus ({@link RedisLive}), which opens a pub/sub connection of its own. */
    RedisClient client() {
        return client;
    }

    @Override
    public RedisCommands<String, String> commands() {
        return commands;
    }

    @Override
    public void pingAll() {
        connection.async().ping();
        pubsub.async().ping();
    }

    @Override
    public boolean receiving() {
        return pubsub.isOpen();
    }

    @Override
    public CompletableFuture<Void> subscribe(String pubsubChannel) {
        return pubsub.async().subscribe(pubsubChannel).toCompletableFuture();
    }

    @Override
    public void unsubscribe(String pubsubChannel) {
        pubsub.async().unsubscribe(pubsubChannel);
    }

    @Override
    public CompletableFuture<Void> resubscribe(Collection<String> pubsubChannels) {
        return pubsub.async().subscribe(pubsubChannels.toArray(String[]::new)).toCompletableFuture();
    }

    @Override
    public void close() {
        closed = true;
        try {
            pubsub.close();
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing Redis connections", e);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
