package dev.realtime.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A Redis Cluster. Commands go through Lettuce's cluster connection, which routes each to the primary
 * owning its keys and follows redirections. Live messages use sharded pub/sub ({@link ShardedPubSub}):
 * each channel is subscribed on the primary that owns its slot, and follows it.
 */
final class ClusterLink implements RedisLink<RedisAdvancedClusterCommands<String, String>> {
    private static final System.Logger LOG = System.getLogger(ClusterLink.class.getName());

    private final RedisSettings settings;
    private final RedisClusterClient cluster;
    private final RedisClient nodes;
    private final StatefulRedisClusterConnection<String, String> connection;
    private final RedisAdvancedClusterCommands<String, String> commands;
    private final ScheduledExecutorService scheduler;
    private final ShardedPubSub pubsub;

    private ClusterLink(RedisSettings settings, RedisClusterClient cluster, RedisClient nodes,
                        StatefulRedisClusterConnection<String, String> connection,
                        ScheduledExecutorService scheduler, PubSub.Events events) {
        this.settings = settings;
        this.cluster = cluster;
        this.nodes = nodes;
        this.connection = connection;
        this.commands = connection.sync();
        this.scheduler = scheduler;
        this.pubsub = new ShardedPubSub(settings, cluster, nodes, scheduler, events);
    }

    static ClusterLink connect(RedisSettings settings, ClientResources resources, ScheduledExecutorService scheduler,
                               PubSub.Events events) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(settings.timeout()).keepAlive(true).build();
        RedisClusterClient cluster = RedisClusterClient.create(resources, settings.clusterSeeds());
        cluster.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                // not REJECT_COMMANDS: Lettuce opens node connections on first use and would reject the
                // command that opens one; a command to a node that is down fails after the timeout instead
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(socket)
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(10))
                        .enableAllAdaptiveRefreshTriggers()
                        .refreshTriggersReconnectAttempts(2)
                        .build())
                .build());
        // node pub/sub connections are watched here, not reconnected by Lettuce (see the class comment)
        RedisClient nodes = RedisClient.create(resources);
        nodes.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(socket)
                .build());
        try {
            StatefulRedisClusterConnection<String, String> connection = cluster.connect(StringCodec.UTF8);
            connection.setTimeout(settings.timeout());
            return new ClusterLink(settings, cluster, nodes, connection, scheduler, events);
        } catch (RuntimeException e) {
            nodes.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            cluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    @Override
    public RedisAdvancedClusterCommands<String, String> commands() {
        return commands;
    }

    @Override
    public PubSub pubsub() {
        return pubsub;
    }

    /** Sharded pub/sub of its own, on the same clients (its node connections are its own). */
    @Override
    public PubSub openPubSub(PubSub.Events events) {
        return new ShardedPubSub(settings, cluster, nodes, scheduler, events);
    }

    @Override
    public void pingAll() {
        connection.async().ping();
        pubsub.ping();
    }

    @Override
    public void close() {
        pubsub.close();
        try {
            connection.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing Redis Cluster connections", e);
        }
        nodes.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        cluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
