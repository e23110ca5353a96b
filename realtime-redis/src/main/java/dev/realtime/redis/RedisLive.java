package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.PresenceJoin;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.Range;
import io.lettuce.core.Limit;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Protocol 1.1 on Redis: ephemeral messages, presence across nodes, and (on one server) the pub/sub
 * side of wildcard subscriptions. It shares the bus's command connection and has a pub/sub side of its
 * own ({@link RedisLink#openPubSub}), so the bus's channel subscriptions are untouched by it. The
 * {@link KeyLayout} says where its keys and channels live: on a cluster every script touches one
 * channel's keys (its hash tag) and changes go by sharded pub/sub in that channel's slot.
 *
 * <p><b>Presence across nodes.</b> Each node has an id and a liveness key that it renews every third
 * of {@code realtime.redis.nodeTimeout}; the set {@code p}nodes lists every node, and a holds set per
 * node what each holds ("channel\nmember"). At every renewal a node also looks for nodes whose
 * liveness key has expired and makes their members leave, one script per channel (see
 * {@link LiveScripts#leave}), so the members of a node that died leave within 4/3 of the timeout after
 * its last renewal. A node that finds its own liveness key gone (it was paused that long, or Redis
 * lost its data) takes a new id and joins its members again, so a reaper working on the old id cannot
 * take them away.
 *
 * <p>Keys and channels (prefix {@code p}). One server: {@code p}e:c carries channel c's ephemeral
 * messages ({@code ts\nevent\ndata}), {@code p}p:c its presence changes, {@code p}node:&lt;id&gt; and
 * {@code p}node:&lt;id&gt;:holds are a node's liveness and holds; wildcard subscriptions listen with
 * PSUBSCRIBE to {@code p}e:prefix* and to the bus's own {@code p}m:prefix*. Cluster: {@code p{c}:e}
 * and {@code p{c}:p} (sharded, in the channel's slot), {@code p{node:<id>}} and {@code
 * p{node:<id>}:holds} (in the node's own slot); sharded pub/sub has no patterns, so wildcard
 * subscriptions are refused ({@link #patterns()}).
 */
final class RedisLive implements LiveBus {
    private static final System.Logger LOG = System.getLogger(RedisLive.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisSettings settings;
    private final String prefix;
    private final KeyLayout layout;
    private final RedisClusterCommands<String, String> commands;
    private final PubSub pubsub;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final long nodeTimeoutMillis;
    /** Decodes a stored message the bus published ({@code epoch\nposition\n...}); null when it is of another epoch. */
    private final BiFunction<String, String, Message> decodeStored;
    private final KeyLayout.Script joinScript;
    private final KeyLayout.Script leaveScript;

    /** What this node holds: "channel\nmember" → info, to join again under a new node id. */
    private final Map<String, String> holds = new ConcurrentHashMap<>();
    /** Guards the maps below and the SUBSCRIBE/UNSUBSCRIBE commands they send, so those stay in order. */
    private final Object subscriptionLock = new Object();
    /** By pub/sub channel ({@link KeyLayout#ephemeralChannel} or {@link KeyLayout#presenceChannel}). */
    private final Map<String, Local<LiveListener>> channels = new ConcurrentHashMap<>();
    /** By Redis pattern ({@code p}e:prefix* or {@code p}m:prefix*). */
    private final Map<String, Local<PatternListener>> patterns = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> heartbeat;
    private final Recovery recovery;
    private volatile String node;
    private volatile boolean closed;

    RedisLive(RedisSettings settings, KeyLayout layout, RedisLink<?> link, BusContext context,
              BiFunction<String, String, Message> decodeStored) {
        this.settings = settings;
        this.prefix = settings.prefix();
        this.layout = layout;
        this.commands = link.commands();
        this.joinScript = new KeyLayout.Script(LiveScripts.join(layout.publishCommand()));
        this.leaveScript = new KeyLayout.Script(LiveScripts.leave(layout.publishCommand()));
        this.clock = context.clock();
        this.scheduler = context.scheduler();
        this.nodeTimeoutMillis = settings.nodeTimeout().toMillis();
        this.decodeStored = decodeStored;
        this.node = newNodeId();
        this.recovery = new Recovery(scheduler, this::recover, "Redis live recovery");
        this.pubsub = link.openPubSub(new PubSub.Events() {
            @Override
            public void message(String pubsubChannel, String payload) {
                onMessage(pubsubChannel, payload);
            }

            @Override
            public void patternMessage(String pattern, String pubsubChannel, String payload) {
                onPatternMessage(pattern, pubsubChannel, payload);
            }

            @Override
            public void reconnected() {
                recovery.schedule(0);
            }

            @Override
            public void resubscribed(Collection<String> pubsubChannels) {
                execute(() -> moved(pubsubChannels));
            }
        });
        announceAlive();
        long every = Math.max(100, nodeTimeoutMillis / 3);
        this.heartbeat = scheduler.scheduleWithFixedDelay(this::renewAndReap, every, every, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- ephemeral messages

    @Override
    public void publish(Message ephemeral) {
        String channel = layout.ephemeralChannel(ephemeral.channel());
        String payload = ephemeral.timestamp() + "\n" + ephemeral.event() + "\n" + ephemeral.data();
        run(() -> {
            if (layout instanceof KeyLayout.Cluster) {
                commands.spublish(channel, payload); // routed by the channel's slot
            } else {
                commands.publish(channel, payload);
            }
        });
    }

    /** Whether wildcard subscriptions can be carried: plain pub/sub only. */
    boolean patterns() {
        return pubsub.patterns();
    }

    // ---------------------------------------------------------------- presence

    @Override
    public PresenceJoin join(String channel, String member, String info, int maxMembers) {
        String result = joinAs(node, channel, member, info, maxMembers);
        if (result.equals("full")) {
            return PresenceJoin.FULL;
        }
        holds.put(channel + '\n' + member, info);
        return switch (result) {
            case "join" -> PresenceJoin.JOINED;
            case "update" -> PresenceJoin.UPDATED;
            default -> PresenceJoin.UNCHANGED;
        };
    }

    private String joinAs(String id, String channel, String member, String info, int maxMembers) {
        String hold = channel + '\n' + member;
        run(() -> commands.sadd(holdsKey(id), hold)); // first: a reaper that finds this node dead finds the hold too
        String result = (String) script(joinScript, layout.presenceKeys(channel), member, id, info,
                Integer.toString(maxMembers), Long.toString(clock.millis()), layout.presenceChannel(channel));
        if (result.equals("full")) {
            run(() -> commands.srem(holdsKey(id), hold));
        }
        return result;
    }

    /**
     * Joins a member this node holds again (after Redis may have lost it); when the application made it
     * leave or changed its info meanwhile, that wins.
     */
    private void rejoin(String hold, String info) {
        int nl = hold.indexOf('\n');
        String channel = hold.substring(0, nl);
        String member = hold.substring(nl + 1);
        String id = node;
        joinAs(id, channel, member, info, Integer.MAX_VALUE);
        String current = holds.get(hold);
        if (current == null) {
            leave(id, channel, member);
        } else if (!current.equals(info)) {
            joinAs(id, channel, member, current, Integer.MAX_VALUE);
        }
    }

    @Override
    public void leave(String channel, String member) {
        String hold = channel + '\n' + member;
        holds.remove(hold);
        leave(node, channel, member);
    }

    private void leave(String id, String channel, String member) {
        leaveAll(id, channel, List.of(member));
        run(() -> commands.srem(holdsKey(id), channel + '\n' + member));
    }

    /** One script on the channel's slot: the node no longer holds these members (a repeat changes nothing). */
    private void leaveAll(String id, String channel, Collection<String> members) {
        List<String> args = new ArrayList<>(3 + members.size());
        args.addAll(List.of(id, Long.toString(clock.millis()), layout.presenceChannel(channel)));
        args.addAll(members);
        script(leaveScript, layout.presenceKeys(channel), args.toArray(String[]::new));
    }

    @Override
    public List<PresenceMember> members(String channel) {
        Map<String, String> all = call(() -> commands.hgetall(layout.presenceKeys(channel)[0]));
        List<PresenceMember> list = new ArrayList<>(all.size());
        all.forEach((member, info) -> list.add(new PresenceMember(member, info)));
        return list;
    }

    /** Pings this side's pub/sub connection (never blocks): idle, it would read nothing and be taken for silent. */
    void ping() {
        pubsub.ping();
    }

    /** Whether presence changes and ephemeral messages arrive: this side's pub/sub connection is up. */
    boolean receiving() {
        return pubsub.receiving();
    }

    // ---------------------------------------------------------------- node liveness

    private void announceAlive() {
        String id = node;
        run(() -> {
            commands.set(aliveKey(id), "1", SetArgs.Builder.px(nodeTimeoutMillis));
            commands.sadd(layout.nodesKey(), id);
        });
    }

    /** Every third of the node timeout: renew this node's liveness, then make the members of dead nodes leave. */
    private void renewAndReap() {
        if (closed) {
            return;
        }
        try {
            if (!Boolean.TRUE.equals(call(() -> commands.pexpire(aliveKey(node), nodeTimeoutMillis)))) {
                rejoinAsNewNode();
            }
            for (String other : call(() -> commands.smembers(layout.nodesKey()))) {
                if (!other.equals(node) && call(() -> commands.exists(aliveKey(other))) == 0) {
                    reap(other);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "presence liveness round failed; next round in " + nodeTimeoutMillis / 3 + " ms", e);
        }
    }

    /** This node was taken for dead (or Redis lost its data): a new id, and every member it holds joins again. */
    private void rejoinAsNewNode() {
        String old = node;
        node = newNodeId();
        LOG.log(System.Logger.Level.WARNING, "presence: this node''s liveness in Redis had expired (node {0}); rejoining {1} member(s) as node {2}",
                old, holds.size(), node);
        announceAlive();
        holds.forEach(this::rejoin);
    }

    /**
     * The members a dead node held leave (a leave is announced where no other node holds the member):
     * one script per channel, in the channel's slot; then the node's keys go. Idempotent, so a reaper
     * that stops half-way, or two reapers at once, leave the same result.
     */
    private void reap(String dead) {
        List<String> held = new ArrayList<>(call(() -> commands.smembers(holdsKey(dead))));
        Map<String, List<String>> byChannel = new LinkedHashMap<>();
        for (String hold : held) {
            int nl = hold.indexOf('\n');
            byChannel.computeIfAbsent(hold.substring(0, nl), c -> new ArrayList<>()).add(hold.substring(nl + 1));
        }
        byChannel.forEach((channel, members) -> leaveAll(dead, channel, members));
        run(() -> {
            commands.del(holdsKey(dead));
            commands.srem(layout.nodesKey(), dead);
        });
        if (!held.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "presence: node {0} stopped renewing its liveness; its {1} member(s) left", dead, held.size());
        }
    }

    // ---------------------------------------------------------------- listening

    @Override
    public BusSubscription listen(String channel, LiveListener listener) {
        List<String> names = List.of(layout.ephemeralChannel(channel), layout.presenceChannel(channel));
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (subscriptionLock) {
            for (String name : names) {
                Local<LiveListener> local = channels.computeIfAbsent(name,
                        n -> new Local<>(channel, null, n.equals(layout.ephemeralChannel(channel))));
                if (local.ready == null || local.ready.isCompletedExceptionally()) {
                    local.ready = pubsub.subscribe(name);
                }
                local.listeners.add(listener);
                ready.add(local.ready);
            }
        }
        BusSubscription subscription = () -> {
            synchronized (subscriptionLock) {
                for (String name : names) {
                    Local<LiveListener> local = channels.get(name);
                    if (local != null && local.listeners.remove(listener) && local.listeners.isEmpty()) {
                        channels.remove(name);
                        if (!closed) {
                            pubsub.unsubscribe(name);
                        }
                    }
                }
            }
            RedisBus.releaseNettyThreadLocals();
        };
        await(ready, subscription, channel);
        return subscription;
    }

    /** Refused on a cluster ({@link #patterns()}): sharded pub/sub has no patterns. */
    @Override
    public BusSubscription listen(ChannelPattern pattern, LiveListener listener) {
        return listenPattern(prefix + "e:" + pattern.prefix() + "*", pattern, listener);
    }

    /** The bus's wildcard subscriptions (one server only): its stored messages' pub/sub channels, by pattern. */
    BusSubscription subscribe(ChannelPattern pattern, BusListener listener) {
        return listenPattern(prefix + "m:" + pattern.prefix() + "*", pattern, listener);
    }

    private BusSubscription listenPattern(String redisPattern, ChannelPattern pattern, Object listener) {
        if (!patterns()) {
            throw new UnsupportedOperationException("wildcard subscriptions are not carried by a Redis Cluster: sharded pub/sub has no patterns");
        }
        CompletableFuture<Void> ready;
        synchronized (subscriptionLock) {
            Local<PatternListener> local = patterns.computeIfAbsent(redisPattern, n -> new Local<>(null, pattern, redisPattern.startsWith(prefix + "e:")));
            if (local.ready == null || local.ready.isCompletedExceptionally()) {
                local.ready = pubsub.psubscribe(List.of(redisPattern));
            }
            local.listeners.add(new PatternListener(pattern, listener));
            ready = local.ready;
        }
        BusSubscription subscription = () -> {
            synchronized (subscriptionLock) {
                Local<PatternListener> local = patterns.get(redisPattern);
                if (local != null && local.listeners.removeIf(l -> l.listener == listener) && local.listeners.isEmpty()) {
                    patterns.remove(redisPattern);
                    if (!closed) {
                        pubsub.punsubscribe(redisPattern);
                    }
                }
            }
            RedisBus.releaseNettyThreadLocals();
        };
        await(List.of(ready), subscription, pattern.text());
        return subscription;
    }

    private void await(List<CompletableFuture<Void>> ready, BusSubscription subscription, String what) {
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.close();
            throw new BusUnavailableException("interrupted while subscribing to " + what, e);
        } catch (ExecutionException | TimeoutException e) {
            subscription.close();
            throw unavailable(e instanceof ExecutionException ? e.getCause() : e);
        } finally {
            RedisBus.releaseNettyThreadLocals();
        }
    }

    private void onMessage(String redisChannel, String payload) {
        Local<LiveListener> local = channels.get(redisChannel);
        if (local == null || closed) {
            return;
        }
        if (local.ephemeral) {
            Message m = decodeEphemeral(local.channel, payload);
            local.listeners.forEach(l -> safely(() -> l.onEphemeral(m), local.channel));
        } else {
            PresenceEvent e = decodePresence(local.channel, payload);
            local.listeners.forEach(l -> safely(() -> l.onPresence(e), local.channel));
        }
    }

    private void onPatternMessage(String redisPattern, String redisChannel, String payload) {
        Local<PatternListener> local = patterns.get(redisPattern);
        if (local == null || closed) {
            return;
        }
        boolean ephemeral = local.ephemeral;
        String channel = redisChannel.substring(prefix.length() + 2);
        if (!local.pattern.matches(channel)) {
            return; // Redis's * also spans ':'; room:* takes one segment only
        }
        Message m = ephemeral ? decodeEphemeral(channel, payload) : decodeStored.apply(channel, payload);
        if (m == null) {
            return; // a stored message of another epoch: the bus resyncs its listeners
        }
        for (PatternListener p : local.listeners) {
            Object listener = p.listener;
            if (listener instanceof LiveListener l) {
                safely(() -> l.onEphemeral(m), channel);
            } else {
                safely(() -> ((BusListener) listener).onMessage(m), channel);
            }
        }
    }

    private static Message decodeEphemeral(String channel, String payload) {
        int nl = payload.indexOf('\n');
        int nl2 = payload.indexOf('\n', nl + 1);
        return Message.ephemeral(channel, payload.substring(nl + 1, nl2), payload.substring(nl2 + 1), Long.parseLong(payload.substring(0, nl)));
    }

    private static PresenceEvent decodePresence(String channel, String payload) {
        String[] f = payload.split("\n", 4);
        return new PresenceEvent(channel, f[0], f[1], f[0].equals(PresenceEvent.LEAVE) ? null : f[3], Long.parseLong(f[2]));
    }

    private static void safely(Runnable call, String channel) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a live listener failed on " + channel, e);
        }
    }

    // ---------------------------------------------------------------- wildcard resume

    /**
     * Channels the pattern matches whose newest retained message is not older than {@code sinceMillis}:
     * a SCAN over the history streams' keys (a full pass over the key space: the cost of resuming a
     * wildcard subscription), then the newest entry of each candidate.
     */
    List<String> channelsActiveSince(ChannelPattern pattern, long sinceMillis, int limit) {
        List<String> active = new ArrayList<>();
        String match = prefix + "{" + pattern.prefix() + "*}:h";
        int head = prefix.length() + 1;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            ScanCursor from = cursor;
            KeyScanCursor<String> page = call(() -> commands.scan(from, ScanArgs.Builder.matches(match).limit(1000)));
            for (String key : page.getKeys()) {
                String channel = key.substring(head, key.length() - 3);
                if (!pattern.matches(channel)) {
                    continue;
                }
                List<StreamMessage<String, String>> newest = call(() -> commands.xrevrange(key, Range.create("-", "+"), Limit.from(1)));
                if (!newest.isEmpty()) {
                    String m = newest.get(0).getBody().get("m");
                    if (m != null && Long.parseLong(m.substring(0, m.indexOf('\n'))) >= sinceMillis) {
                        active.add(channel);
                        if (active.size() > limit) {
                            return active;
                        }
                    }
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return active;
    }

    // ---------------------------------------------------------------- recovery and closing

    /**
     * After the pub/sub connection (re)connected: subscribe everything again, then tell the listeners
     * that changes may have been missed (presence listeners take a fresh member list, wildcard
     * subscribers re-read their channels).
     */
    private void recover() {
        if (closed) {
            return;
        }
        try {
            List<String> names = new ArrayList<>(channels.keySet());
            List<String> pats = new ArrayList<>(patterns.keySet());
            if (!names.isEmpty()) {
                pubsub.resubscribe(names).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!pats.isEmpty()) {
                pubsub.psubscribe(pats).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            if (call(() -> commands.exists(aliveKey(node))) == 0) {
                rejoinAsNewNode(); // Redis restarted without its data
            }
            for (Local<LiveListener> local : channels.values()) {
                local.listeners.forEach(l -> safely(() -> l.onResync(local.channel), local.channel));
            }
            for (Local<PatternListener> local : patterns.values()) {
                for (PatternListener p : local.listeners) {
                    if (p.listener instanceof BusListener l) {
                        safely(() -> l.onResync(local.pattern.text()), local.pattern.text());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            recovery.retry(e);
        } finally {
            RedisBus.releaseNettyThreadLocals();
        }
    }

    /**
     * A cluster moved these subscriptions to their slot's new primary (a failover, a resharding): changes
     * may have been missed, and a failover may have lost the latest writes of the slot. This node's
     * members of those channels join again (unchanged where nothing was lost), then the listeners resync.
     */
    private void moved(Collection<String> pubsubChannels) {
        if (closed) {
            return;
        }
        List<Local<LiveListener>> locals = pubsubChannels.stream().map(channels::get).filter(Objects::nonNull).toList();
        for (Local<LiveListener> local : locals) {
            if (!local.ephemeral) {
                try {
                    holds.forEach((hold, info) -> {
                        if (hold.startsWith(local.channel + '\n')) {
                            rejoin(hold, info);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "presence: could not join " + local.channel + "'s members again", e);
                }
                local.listeners.forEach(l -> safely(() -> l.onResync(local.channel), local.channel));
            }
        }
    }

    private void execute(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused a Redis live task", e);
        }
    }

    @Override
    public void close() {
        synchronized (subscriptionLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        recovery.close();
        heartbeat.cancel(false);
        String id = node;
        try {
            // members still held here leave now rather than when the liveness expires
            for (String hold : new ArrayList<>(holds.keySet())) {
                int nl = hold.indexOf('\n');
                leave(id, hold.substring(0, nl), hold.substring(nl + 1));
            }
            holds.clear();
            run(() -> {
                commands.del(aliveKey(id), holdsKey(id));
                commands.srem(layout.nodesKey(), id);
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "presence: could not sign this node off; other nodes will reap it", e);
        }
        channels.clear();
        patterns.clear();
        try {
            pubsub.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the Redis live pub/sub connection", e);
        }
    }

    // ---------------------------------------------------------------- Redis helpers

    private String aliveKey(String id) {
        return layout.aliveKey(id);
    }

    private String holdsKey(String id) {
        return layout.holdsKey(id);
    }

    private Object script(KeyLayout.Script script, String[] keys, String... args) {
        return call(() -> {
            try {
                return commands.evalsha(script.sha(), ScriptOutputType.VALUE, keys, args);
            } catch (RedisNoScriptException e) {
                return commands.eval(script.text(), ScriptOutputType.VALUE, keys, args);
            }
        });
    }

    private interface Call<T> {
        T call();
    }

    private <T> T call(Call<T> call) {
        try {
            return call.call();
        } catch (RedisException e) {
            throw unavailable(e);
        } finally {
            RedisBus.releaseNettyThreadLocals();
        }
    }

    private void run(Runnable command) {
        call(() -> {
            command.run();
            return null;
        });
    }

    private BusUnavailableException unavailable(Throwable e) {
        return new BusUnavailableException("Redis at " + settings.displayUri() + " is unavailable: " + e.getMessage(), e);
    }

    private static String newNodeId() {
        return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    }

    /** Local listeners sharing one Redis subscription. */
    private static final class Local<L> {
        final String channel;
        final ChannelPattern pattern;
        /** Whether it carries ephemeral messages (else presence changes). */
        final boolean ephemeral;
        final List<L> listeners = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ready;

        Local(String channel, ChannelPattern pattern, boolean ephemeral) {
            this.channel = channel;
            this.pattern = pattern;
            this.ephemeral = ephemeral;
        }
    }

    /** A wildcard listener: a {@link LiveListener} (ephemeral) or a {@link BusListener} (stored messages). */
    private static final class PatternListener {
        final ChannelPattern pattern;
        final Object listener;

        PatternListener(ChannelPattern pattern, Object listener) {
            this.pattern = pattern;
            this.listener = listener;
        }
    }
}
