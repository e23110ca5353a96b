package dev.realtime.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sharded pub/sub on a Redis Cluster: each channel is subscribed ({@code SSUBSCRIBE}) on the primary
 * that owns its slot, over one pub/sub connection per primary that this class opens and watches itself.
 * The bus has one for its channels, and protocol 1.1's {@link RedisLive} one for its own.
 *
 * <p>Why not Lettuce's own cluster pub/sub: a sharded subscription must follow its slot, and Lettuce
 * resubscribes a lost node connection to the same address, which after a failover or a resharding
 * no longer owns the slot. Here a subscription that Redis ends ({@code sunsubscribe} when its slot
 * moves away) or whose connection drops is placed again on the slot's current owner, after asking
 * the cluster for its topology; the owner is then told ({@link Events#resubscribed}) and resyncs.
 */
final class ShardedPubSub implements PubSub {
    private static final System.Logger LOG = System.getLogger(ShardedPubSub.class.getName());
    private static final long RETRY_MILLIS = 200;
    /** How often subscriptions are checked against the topology Lettuce refreshes in the background. */
    private static final Duration CHECK_PERIOD = Duration.ofSeconds(2);

    private final RedisSettings settings;
    private final RedisClusterClient cluster;
    private final RedisClient nodes;
    private final ScheduledExecutorService scheduler;
    private final Events events;

    // guarded by this
    private final Set<String> wanted = new HashSet<>();
    private final Map<String, NodeFeed> placed = new HashMap<>();
    private final Map<String, NodeFeed> feeds = new HashMap<>();
    private ScheduledFuture<?> repair;
    private final ScheduledFuture<?> check;
    private boolean closed;

    /**
     * @param cluster the cluster client, for the topology
     * @param nodes   a client for the node pub/sub connections, which must not reconnect by themselves
     */
    ShardedPubSub(RedisSettings settings, RedisClusterClient cluster, RedisClient nodes, ScheduledExecutorService scheduler,
                  Events events) {
        this.settings = settings;
        this.cluster = cluster;
        this.nodes = nodes;
        this.scheduler = scheduler;
        this.events = events;
        this.check = scheduler.scheduleWithFixedDelay(this::checkPlacement, CHECK_PERIOD.toMillis(), CHECK_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void ping() {
        List<NodeFeed> open;
        synchronized (this) {
            open = new ArrayList<>(feeds.values());
        }
        open.forEach(f -> f.connection.async().ping());
    }

    @Override
    public synchronized boolean receiving() {
        return placed.keySet().containsAll(wanted) && placed.values().stream().allMatch(NodeFeed::open);
    }

    @Override
    public CompletableFuture<Void> subscribe(String pubsubChannel) {
        synchronized (this) {
            wanted.add(pubsubChannel);
        }
        // a topology older than the cluster's answers MOVED: look again once, then place it
        return place(pubsubChannel).exceptionallyComposeAsync(e -> cluster.refreshPartitionsAsync().toCompletableFuture()
                .thenComposeAsync(refreshed -> place(pubsubChannel), scheduler), scheduler);
    }

    @Override
    public void unsubscribe(String pubsubChannel) {
        synchronized (this) {
            wanted.remove(pubsubChannel);
            NodeFeed feed = placed.remove(pubsubChannel);
            if (feed != null && feed.open()) {
                feed.connection.async().sunsubscribe(pubsubChannel);
            }
        }
    }

    /** Never needed: this side never reports {@link Events#reconnected}, it places lost subscriptions itself. */
    @Override
    public CompletableFuture<Void> resubscribe(Collection<String> pubsubChannels) {
        pubsubChannels.forEach(this::subscribe);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        List<NodeFeed> open;
        synchronized (this) {
            closed = true;
            check.cancel(false);
            if (repair != null) {
                repair.cancel(false);
            }
            open = new ArrayList<>(feeds.values());
            feeds.clear();
            placed.clear();
            wanted.clear();
        }
        try {
            open.forEach(f -> f.connection.close());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing Redis Cluster pub/sub connections", e);
        }
    }

    // ---------------------------------------------------------------- placing subscriptions

    /** Subscribes a channel on the primary that owns its slot, as far as the known topology says. */
    private CompletableFuture<Void> place(String pubsubChannel) {
        NodeFeed feed;
        synchronized (this) {
            if (closed || !wanted.contains(pubsubChannel)) {
                return CompletableFuture.completedFuture(null);
            }
            try {
                feed = feedFor(SlotHash.getSlot(pubsubChannel));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            placed.put(pubsubChannel, feed);
        }
        return feed.connection.async().ssubscribe(pubsubChannel).toCompletableFuture().whenComplete((ok, e) -> {
            if (e != null) {
                offload(() -> {
                    synchronized (this) {
                        placed.remove(pubsubChannel, feed);
                    }
                });
            }
        });
    }

    /**
     * Runs a reaction to a Netty callback on the scheduler: it takes this link's lock, under which a
     * node connection may be opened, which needs the Netty threads free.
     */
    private void offload(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused a Redis Cluster task", e);
        }
    }

    /** Under the lock: the pub/sub connection to the slot's primary, opened when there is none. */
    private NodeFeed feedFor(int slot) {
        RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(slot);
        if (owner == null) {
            throw new IllegalStateException("no primary owns slot " + slot + " in the known topology");
        }
        NodeFeed feed = feeds.get(owner.getNodeId());
        if (feed == null || !feed.open()) {
            feed = new NodeFeed(owner);
            feeds.put(owner.getNodeId(), feed);
        }
        return feed;
    }

    /**
     * Places again every wanted channel that has no subscription (its connection dropped, Redis ended
     * it, or its slot moved), on the current owner after a fresh look at the topology; then tells the
     * owner which channels moved. Retried until all are placed or the link closes.
     */
    private void repair() {
        List<String> missing;
        synchronized (this) {
            repair = null;
            if (closed) {
                return;
            }
            missing = wanted.stream().filter(c -> !placed.containsKey(c)).toList();
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> moved = new ArrayList<>();
        boolean failed = false;
        try {
            cluster.refreshPartitions();
            for (String channel : missing) {
                try {
                    place(channel).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
                    moved.add(channel);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    failed = true;
                    LOG.log(System.Logger.Level.DEBUG, "Redis Cluster: could not subscribe " + channel + " yet", e);
                }
            }
        } catch (RuntimeException e) {
            failed = true;
            LOG.log(System.Logger.Level.DEBUG, "Redis Cluster topology refresh failed", e);
        }
        if (!moved.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Redis Cluster: {0} channel subscription(s) placed again on their slot''s primary; "
                    + "resyncing them", moved.size());
            events.resubscribed(moved);
        }
        if (failed) {
            scheduleRepair(RETRY_MILLIS);
        }
        closeIdleFeeds();
    }

    private synchronized void scheduleRepair(long delayMillis) {
        if (closed || repair != null) {
            return;
        }
        try {
            repair = scheduler.schedule(this::repair, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused a Redis Cluster repair", e);
        }
    }

    /** Under the lock: forgets the channels placed on a feed, so that {@link #repair} places them again. */
    private void lose(NodeFeed feed, Collection<String> channels) {
        boolean lost = false;
        for (String channel : channels) {
            lost |= placed.remove(channel, feed);
        }
        if (lost) {
            scheduleRepair(0);
        }
    }

    /**
     * The safety net: a subscription on a node that the topology (refreshed by Lettuce in the
     * background) no longer shows as its slot's primary is placed again, for the case where Redis
     * ended nothing and the connection stayed up (a primary demoted to a replica keeps its clients).
     */
    private void checkPlacement() {
        synchronized (this) {
            if (closed) {
                return;
            }
            Map<NodeFeed, List<String>> misplaced = new HashMap<>();
            for (Map.Entry<String, NodeFeed> e : placed.entrySet()) {
                RedisClusterNode owner = cluster.getPartitions().getMasterBySlot(SlotHash.getSlot(e.getKey()));
                if (owner == null || !owner.getNodeId().equals(e.getValue().nodeId) || !e.getValue().open()) {
                    misplaced.computeIfAbsent(e.getValue(), f -> new ArrayList<>()).add(e.getKey());
                }
            }
            misplaced.forEach(this::lose);
        }
        closeIdleFeeds();
    }

    private void closeIdleFeeds() {
        List<NodeFeed> idle = new ArrayList<>();
        synchronized (this) {
            for (NodeFeed feed : new ArrayList<>(feeds.values())) {
                if (!placed.containsValue(feed)) {
                    feeds.remove(feed.nodeId, feed);
                    idle.add(feed);
                }
            }
        }
        idle.forEach(f -> f.connection.closeAsync());
    }

    /** One primary's pub/sub connection, not reconnected: when it drops, its channels are placed again. */
    private final class NodeFeed {
        final String nodeId;
        final StatefulRedisPubSubConnection<String, String> connection;

        NodeFeed(RedisClusterNode node) {
            this.nodeId = node.getNodeId();
            String address = node.getUri().getHost() + ":" + node.getUri().getPort();
            this.connection = nodes.connectPubSub(StringCodec.UTF8, node.getUri());
            connection.setTimeout(settings.timeout());
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void smessage(String channel, String payload) {
                    events.message(channel, payload);
                }

                @Override
                public void sunsubscribed(String channel, long count) {
                    // also the answer to our own SUNSUBSCRIBE; only a channel still wanted here was moved away
                    offload(() -> {
                        synchronized (ShardedPubSub.this) {
                            if (wanted.contains(channel) && placed.get(channel) == NodeFeed.this) {
                                lose(NodeFeed.this, List.of(channel));
                            }
                        }
                    });
                }
            });
            connection.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                }

                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    offload(() -> {
                        synchronized (ShardedPubSub.this) {
                            feeds.remove(nodeId, NodeFeed.this);
                            if (closed || !placed.containsValue(NodeFeed.this)) {
                                return; // closed by this side (idle, or the end): nothing to place again
                            }
                            LOG.log(System.Logger.Level.WARNING, "Redis Cluster: lost the pub/sub connection to node {0} ({1}); "
                                    + "placing its channels again", nodeId, address);
                            lose(NodeFeed.this, new ArrayList<>(placed.keySet()));
                        }
                    });
                }
            });
        }

        boolean open() {
            return connection.isOpen();
        }
    }
}
