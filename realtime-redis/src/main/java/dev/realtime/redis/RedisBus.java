package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.Claim;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Redis bus. It talks to Redis through a {@link RedisLink} (one server, or a cluster) and keeps its
 * channels in the {@link KeyLayout} that suits it; each Redis channel this node listens to is subscribed
 * once, however many local listeners it has.
 *
 * <p>Publishing is one Lua script (one round-trip): check the idempotency key, INCR the channel's
 * counter, XADD to its stream with exact MAXLEN trimming, PUBLISH the encoded message. Pub/sub
 * delivers each channel's messages in position order on the pub/sub connection's thread; listeners
 * must only enqueue. Age is enforced when reading, by the message timestamps (the context's clock),
 * and streams of idle channels expire after the history age.
 *
 * <p>When the pub/sub connection comes back after a loss, the bus resubscribes, re-reads the epoch
 * and tells every listener to {@link BusListener#onResync resync}; sessions then re-read the streams
 * (and get a gap if Redis lost its data, since the epoch changed). A cluster link moves a channel's
 * subscription to its slot's new owner by itself and asks for a resync of that channel.
 *
 * <p>A channel's positions are consecutive, so a page read with a jump reports a gap (on a cluster,
 * positions move on past a possible loss; sessions also treat a live message that skips positions as
 * missed ones).
 */
final class RedisBus implements MessageBus {
    private static final System.Logger LOG = System.getLogger(RedisBus.class.getName());

    private final RedisSettings settings;
    private final int maxSize;
    private final long maxAgeMillis;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ClientResources resources;
    private final KeyLayout layout;
    private final ConnectionHealth health;
    private final RedisClaims claims;
    private RedisLink<?> link;
    /**
     * Ephemeral messages and presence (protocol 1.1) across nodes, on one server and on a cluster; also
     * the pub/sub side of wildcard subscriptions, on one server only (sharded pub/sub has no patterns).
     */
    private RedisLive live;

    /** Guards {@link #channels} changes and the SUBSCRIBE/UNSUBSCRIBE commands they send, so those stay in order. */
    private final Object subscriptionLock = new Object();
    private final Map<String, LocalChannel> channels = new ConcurrentHashMap<>();
    private final Object recoveryLock = new Object();
    private final Recovery recovery;
    private volatile String epoch;
    /** Epochs this bus has seen replaced (guarded by {@link #recoveryLock}); a handful at most. */
    private final Set<String> retiredEpochs = new HashSet<>();
    private volatile boolean closed;

    private RedisBus(RedisSettings settings, BusContext context) {
        this.settings = settings;
        this.maxSize = context.historySize();
        this.maxAgeMillis = Math.max(1, context.historyAge().toMillis());
        this.clock = context.clock();
        this.scheduler = context.scheduler();
        this.layout = KeyLayout.of(settings);
        this.health = new ConnectionHealth(settings.timeout(), settings.displayUri());
        this.resources = DefaultClientResources.builder()
                .nettyCustomizer(health)
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        this.recovery = new Recovery(scheduler, this::recover, "Redis bus recovery");
        this.claims = new RedisClaims(() -> link.commands(), settings.prefix(), this::unavailable);
    }

    /** Connects to Redis and reads (or creates) the epoch; fails fast when Redis cannot be reached. */
    static RedisBus start(RedisSettings settings, BusContext context) {
        RedisBus bus = new RedisBus(settings, context);
        try {
            bus.connect();
        } catch (RuntimeException e) {
            releaseNettyThreadLocals();
            bus.close();
            if (e instanceof RedisException) {
                throw new BusUnavailableException("cannot connect to Redis at " + settings.displayUri() + " ("
                        + RedisSettings.URI + "): " + rootMessage(e), e);
            }
            throw e;
        }
        try {
            bus.live = new RedisLive(settings, bus.layout, bus.link, context, bus::decodeLive);
        } catch (RuntimeException e) {
            releaseNettyThreadLocals();
            bus.close();
            throw e instanceof RedisException ? bus.unavailable(e) : e;
        }
        releaseNettyThreadLocals();
        LOG.log(System.Logger.Level.INFO, "Redis bus connected to {0}, key prefix {1}, epoch {2}",
                settings.displayUri(), settings.prefix(), bus.epoch);
        return bus;
    }

    private void connect() {
        PubSub.Events events = new PubSub.Events() {
            @Override
            public void message(String pubsubChannel, String payload) {
                deliver(pubsubChannel, payload);
            }

            @Override
            public void reconnected() {
                recovery.schedule(0);
            }

            @Override
            public void resubscribed(Collection<String> pubsubChannels) {
                List<String> names = pubsubChannels.stream().map(layout::channelOf).toList();
                executeQuietly(() -> names.forEach(RedisBus.this::resync));
            }
        };
        link = settings.cluster()
                ? ClusterLink.connect(settings, resources, scheduler, events)
                : StandaloneLink.connect(settings, resources, events);
        epoch = currentEpoch();
        health.watch(scheduler, this::ping);
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public Published publish(String channel, String event, String data, String idempotencyKey) {
        ensureOpen();
        long now = clock.millis();
        String encoded = now + "\n" + event + "\n" + data;
        List<Object> result = script(layout.publish, layout.publishKeys(channel, idempotencyKey), layout.candidateEpoch(),
                Long.toString(now), Integer.toString(maxSize), Long.toString(maxAgeMillis), layout.pubsubChannel(channel), encoded);
        noticeEpoch((String) result.get(0));
        return new Published(channel, (Long) result.get(1), ((Long) result.get(2)) != 0);
    }

    @Override
    public HistoryPage read(String channel, String readerEpoch, long after, int limit) {
        ensureOpen();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        boolean otherEpoch = !epoch.equals(readerEpoch);
        long from = Math.max(0, after);
        String firstWanted = (from == Long.MAX_VALUE ? "+" : (from + 1) + "-0");
        List<Object> result = script(layout.read, layout.readKeys(channel),
                layout.candidateEpoch(), readerEpoch == null ? "" : readerEpoch, firstWanted, Integer.toString(limit),
                Long.toString(clock.millis() - maxAgeMillis));
        String current = (String) result.get(0);
        noticeEpoch(current);
        otherEpoch = otherEpoch || !current.equals(readerEpoch);
        long head = (Long) result.get(1);
        long origin = (Long) result.get(2);
        List<Message> messages = new ArrayList<>((result.size() - 3) / 2);
        boolean jump = false;
        for (int i = 3; i + 1 < result.size(); i += 2) {
            String id = (String) result.get(i);
            Message m = decode(channel, Long.parseLong(id.substring(0, id.indexOf('-'))), (String) result.get(i + 1));
            jump |= !messages.isEmpty() && m.position() != messages.get(messages.size() - 1).position() + 1;
            messages.add(m);
        }
        long seen = from == 0 ? origin : from; // 0: before the channel's first position
        boolean gap = otherEpoch || jump
                || (seen < head && (messages.isEmpty() || messages.get(0).position() > seen + 1));
        return new HistoryPage(messages, gap, head);
    }

    @Override
    public long head(String channel) {
        ensureOpen();
        try {
            String value = link.commands().get(layout.counterKey(channel));
            return value == null ? 0 : Long.parseLong(value);
        } catch (RedisException e) {
            throw unavailable(e);
        } finally {
            releaseNettyThreadLocals();
        }
    }

    /** PING on the command connection, and the pub/sub connection open: both are needed to carry messages. */
    @Override
    public void checkAvailable() {
        ensureOpen();
        try {
            link.commands().ping();
        } catch (RedisException e) {
            throw unavailable(e);
        } finally {
            releaseNettyThreadLocals();
        }
        if (!link.pubsub().receiving()) {
            throw new BusUnavailableException("Redis at " + settings.displayUri() + " is unavailable: the pub/sub connection is down");
        }
        RedisLive l = live;
        if (l != null && !l.receiving()) { // presence and ephemeral messages would stop while messages flow
            throw new BusUnavailableException("Redis at " + settings.displayUri()
                    + " is unavailable: the pub/sub connection of presence and ephemeral messages is down");
        }
    }

    @Override
    public Claim claimOnce(String key, Duration ttl) {
        ensureOpen();
        return claims.claim(key, ttl);
    }

    @Override
    public BusSubscription subscribe(String channel, BusListener listener) {
        ensureOpen();
        try {
            return subscribeAndWait(channel, listener);
        } finally {
            releaseNettyThreadLocals();
        }
    }

    private BusSubscription subscribeAndWait(String channel, BusListener listener) {
        LocalChannel local;
        CompletableFuture<Void> ready;
        synchronized (subscriptionLock) {
            local = channels.get(channel);
            if (local == null) {
                local = new LocalChannel(channel);
                channels.put(channel, local);
            }
            if (local.ready == null || local.ready.isCompletedExceptionally()) {
                local.ready = link.pubsub().subscribe(layout.pubsubChannel(channel));
            }
            local.listeners.add(listener);
            ready = local.ready;
        }
        LocalChannel subscribed = local;
        BusSubscription subscription = () -> unsubscribe(subscribed, listener);
        try {
            ready.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.close();
            throw new BusUnavailableException("interrupted while subscribing to " + channel, e);
        } catch (ExecutionException | TimeoutException e) {
            subscription.close();
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        }
        return subscription;
    }

    private void unsubscribe(LocalChannel local, BusListener listener) {
        synchronized (subscriptionLock) {
            if (local.listeners.remove(listener) && local.listeners.isEmpty() && channels.get(local.name) == local) {
                channels.remove(local.name);
                if (!closed) {
                    // dispatched under the lock, so a later SUBSCRIBE for the same channel reaches Redis after it
                    link.pubsub().unsubscribe(layout.pubsubChannel(local.name));
                    releaseNettyThreadLocals();
                }
            }
        }
    }

    /** For logs and thread dumps: where, which epoch, how many channels this node listens to. */
    @Override
    public String toString() {
        return "RedisBus[" + settings.displayUri() + ", epoch " + epoch + ", " + channels.size() + " channels"
                + (closed ? ", closed" : "") + "]";
    }

    @Override
    public LiveBus live() {
        return live;
    }

    @Override
    public BusSubscription subscribe(ChannelPattern pattern, BusListener listener) {
        ensureOpen();
        if (live == null || !live.patterns()) {
            return MessageBus.super.subscribe(pattern, listener); // a cluster's sharded pub/sub has no patterns
        }
        return live.subscribe(pattern, listener);
    }

    @Override
    public List<String> channelsActiveSince(ChannelPattern pattern, long sinceMillis, int limit) {
        ensureOpen();
        if (live == null || !live.patterns()) {
            return MessageBus.super.channelsActiveSince(pattern, sinceMillis, limit);
        }
        return live.channelsActiveSince(pattern, sinceMillis, limit);
    }

    @Override
    public void close() {
        if (live != null) {
            live.close(); // first: it signs this node's presence off on the command connection
        }
        synchronized (recoveryLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        recovery.close();
        health.close();
        channels.clear();
        if (link != null) {
            link.close();
        }
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "Redis client threads did not stop in time", e);
        } finally {
            releaseNettyThreadLocals();
        }
    }

    // ---------------------------------------------------------------- live delivery and recovery

    private void deliver(String redisChannel, String payload) {
        String channel = layout.channelOf(redisChannel);
        LocalChannel local = channels.get(channel);
        if (local == null || closed) {
            return;
        }
        Message message = decodeLive(channel, payload);
        if (message == null) {
            return;
        }
        for (BusListener listener : local.listeners) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a bus listener failed on " + channel, e);
            }
        }
    }

    /**
     * A message as pub/sub carried it ({@code epoch\nposition\nts\nevent\ndata}), or null when it is of
     * another epoch: Redis lost its data and another node already started the new epoch, so every
     * channel resyncs and reads this message from history. (A late message of a retired epoch is
     * dropped: the resync that retired it reported the gap that covers it.)
     */
    Message decodeLive(String channel, String payload) {
        int nl = payload.indexOf('\n');
        int nl2 = payload.indexOf('\n', nl + 1);
        String messageEpoch = payload.substring(0, nl);
        if (!messageEpoch.equals(epoch)) {
            noticeEpoch(messageEpoch);
            return null;
        }
        return decode(channel, Long.parseLong(payload.substring(nl + 1, nl2)), payload.substring(nl2 + 1));
    }

    /** Records the epoch Redis reported; when it changed, every listener resyncs. */
    private void noticeEpoch(String observed) {
        if (switchEpoch(observed)) {
            executeQuietly(this::resyncAll);
        }
    }

    /**
     * Takes {@code observed} as the current epoch unless it is the current one already or one this bus
     * left behind: a reply or message from before Redis lost its data can arrive after a newer one,
     * and must not switch the bus back.
     */
    private boolean switchEpoch(String observed) {
        synchronized (recoveryLock) {
            if (observed.equals(epoch) || retiredEpochs.contains(observed)) {
                return false;
            }
            LOG.log(System.Logger.Level.WARNING, "Redis bus epoch changed from {0} to {1}: Redis lost its data or was restored from older data; "
                    + "subscribers will be told of a gap", epoch, observed);
            retiredEpochs.add(epoch);
            epoch = observed;
            return true;
        }
    }

    /**
     * After the pub/sub connection (re)connected: make sure every local channel is subscribed again,
     * re-read the epoch, then tell every listener to resync, so whatever was published while the
     * connection was down is read from the streams. Retried until it succeeds or the bus closes.
     */
    private void recover() {
        if (closed) {
            return;
        }
        try {
            List<String> names = new ArrayList<>(channels.keySet());
            if (!names.isEmpty()) {
                link.pubsub().resubscribe(names.stream().map(layout::pubsubChannel).toList()).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            switchEpoch(currentEpoch());
            if (!names.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "Redis bus reconnected to {0}; {1} channel(s) resubscribed and resyncing",
                        settings.displayUri(), names.size());
            }
            resyncAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            recovery.retry(e);
        }
    }

    /**
     * Keeps every connection talking, so that one gone silent shows ({@link ConnectionHealth}), while an
     * idle one is never taken for silent: the bus's two and presence's own pub/sub. Never blocks.
     */
    private void ping() {
        if (closed) {
            return;
        }
        try {
            RedisLive l = live;
            if (l != null) {
                l.ping();
            }
            link.pingAll();
        } finally {
            releaseNettyThreadLocals();
        }
    }

    private void resyncAll() {
        channels.values().forEach(this::resync);
    }

    private void resync(String channel) {
        LocalChannel local = channels.get(channel);
        if (local != null) {
            resync(local);
        }
    }

    private void resync(LocalChannel local) {
        for (BusListener listener : local.listeners) {
            try {
                listener.onResync(local.name);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a bus listener failed to resync " + local.name, e);
            }
        }
    }

    private void executeQuietly(Runnable task) {
        if (closed) {
            return;
        }
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused a Redis bus task", e);
        }
    }

    // ---------------------------------------------------------------- Redis helpers

    private String currentEpoch() {
        if (!(layout instanceof KeyLayout.OneServer one)) {
            return KeyLayout.CLUSTER_EPOCH;
        }
        List<Object> r = script(one.currentEpoch, one.epochKeys(), one.candidateEpoch());
        return (String) r.get(0);
    }

    /**
     * Runs a script by its SHA, sending its text when Redis does not know it (first use, or a Redis
     * restarted or promoted since). Every script's first argument is a candidate epoch; with the text
     * it is marked so that the script checks that this Redis process vouches for the stored epoch
     * (see {@link Scripts}): a new process starts with an empty script cache, so its first script
     * always comes this way.
     */
    @SuppressWarnings("unchecked")
    private List<Object> script(KeyLayout.Script script, String[] keys, String... args) {
        try {
            Object result;
            try {
                result = link.commands().evalsha(script.sha(), ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                String[] checked = args.clone();
                if (!settings.durable()) {
                    checked[0] = "!" + checked[0]; // check that this Redis process vouches for the epoch
                }
                result = link.commands().eval(script.text(), ScriptOutputType.MULTI, keys, checked);
            }
            if (result instanceof List<?> list) {
                return (List<Object>) list;
            }
            return List.of(result);
        } catch (io.lettuce.core.RedisLoadingException | io.lettuce.core.RedisBusyException e) {
            throw unavailable(e); // a Redis still loading its data, or busy with a script: back shortly
        } catch (RedisCommandExecutionException e) {
            throw new IllegalStateException("Redis refused a realtime bus script: " + e.getMessage(), e);
        } catch (RedisException e) {
            throw unavailable(e);
        } finally {
            releaseNettyThreadLocals();
        }
    }

    /**
     * Lettuce hands commands to Netty on the calling thread, and Netty leaves a thread-local map there
     * (its object pools). On a container's request thread that map, loaded by the web application,
     * is a class-loader leak that Tomcat reports on undeploy; so it is dropped after each call on
     * threads that Netty does not own. The next call recreates it: a few allocations per command.
     */
    static void releaseNettyThreadLocals() {
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            FastThreadLocal.removeAll();
        }
    }

    private BusUnavailableException unavailable(Throwable e) {
        return new BusUnavailableException("Redis at " + settings.displayUri() + " is unavailable: " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Redis bus is closed");
        }
    }

    private static Message decode(String channel, long position, String encoded) {
        int nl = encoded.indexOf('\n');
        int nl2 = encoded.indexOf('\n', nl + 1);
        return new Message(channel, position, encoded.substring(nl + 1, nl2), encoded.substring(nl2 + 1),
                Long.parseLong(encoded.substring(0, nl)));
    }

    /** A channel this node listens to: its local listeners share one Redis subscription. */
    private static final class LocalChannel {
        final String name;
        final List<BusListener> listeners = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready;

        LocalChannel(String name) {
            this.name = name;
        }
    }
}
