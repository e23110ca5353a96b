package dev.realtime.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;

/**
 * One Redis server, or the primary Sentinel names: one command connection and one pub/sub connection,
 * both reconnecting by themselves. When pub/sub comes back the bus is told, and it resubscribes.
 */
final class StandaloneLink implements RedisLink<RedisCommands<String, String>> {
    private static final System.Logger LOG = System.getLogger(StandaloneLink.class.getName());

    private final RedisSettings settings;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final PubSub pubsub;
    private final RedisCommands<String, String> commands;

    private StandaloneLink(RedisSettings settings, RedisClient client, StatefulRedisConnection<String, String> connection,
                           PubSub.Events events) {
        this.settings = settings;
        this.client = client;
        this.connection = connection;
        this.commands = connection.sync();
        this.pubsub = open(events, "Redis bus");
    }

    static StandaloneLink connect(RedisSettings settings, ClientResources resources, PubSub.Events events) {
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
            return new StandaloneLink(settings, client, connection, events);
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    private PubSub open(PubSub.Events events, String what) {
        StatefulRedisPubSubConnection<String, String> c = client.connectPubSub(StringCodec.UTF8);
        c.setTimeout(settings.timeout());
        return new PlainPubSub(c, events, what, settings.displayUri());
    }

    @Override
    public RedisCommands<String, String> commands() {
        return commands;
    }

    @Override
    public PubSub pubsub() {
        return pubsub;
    }

    /** A pub/sub connection of its own (patterns included), for protocol 1.1's {@link RedisLive}. */
    @Override
    public PubSub openPubSub(PubSub.Events events) {
        return open(events, "Redis presence");
    }

    @Override
    public void pingAll() {
        connection.async().ping();
        pubsub.ping();
    }

    @Override
    public void close() {
        try {
            pubsub.close();
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing Redis connections", e);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
