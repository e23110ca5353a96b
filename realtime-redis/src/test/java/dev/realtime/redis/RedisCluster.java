package dev.realtime.redis;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster started by a test: cluster-enabled {@link RedisServer}s on free ports, joined by
 * {@code redis-cli --cluster create} (primaries first, then replicas assigned by redis-cli). Without
 * persistence, like {@link RedisServer}. Skipped like it when redis-server is not installed.
 */
public final class RedisCluster implements AutoCloseable {
    /** Short, so a failover in a test takes a second or two, not the default 15 s. */
    private static final Duration NODE_TIMEOUT = Duration.ofMillis(1000);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts a cluster of {@code primaries} primaries with {@code replicas} replicas each, or skips the calling test. */
    public static RedisCluster startOrSkip(int primaries, int replicas) {
        RedisCluster cluster = startIfInstalled(primaries, replicas);
        Assumptions.assumeTrue(cluster != null, RedisServer.SKIP_MESSAGE);
        return cluster;
    }

    /** Starts a cluster, or returns {@code null} when redis-server is not installed (failing instead when Redis is required). */
    public static RedisCluster startIfInstalled(int primaries, int replicas) {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < primaries * (1 + replicas); i++) {
                RedisServer node = RedisServer.startClusterNodeIfInstalled(NODE_TIMEOUT);
                if (node == null) {
                    return null;
                }
                nodes.add(node);
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.create(replicas);
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void create(int replicas) throws IOException {
        String cli = RedisServer.findOnPath("redis-cli");
        if (cli == null) {
            throw new IOException("redis-cli is not on PATH (Debian's redis-tools, installed with redis-server)");
        }
        List<String> command = new ArrayList<>(List.of(cli, "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("redis-cli --cluster create failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the cluster", e);
        }
        awaitHealthy();
    }

    /**
     * Waits until every running node says the cluster is ok and knows all running nodes, and every
     * replica has synced with its primary (a failover needs a synced replica).
     */
    public void awaitHealthy() {
        await(() -> {
            for (RedisServer n : running()) {
                String info = info(n, "CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
                    return false;
                }
                String replication = info(n, "INFO", "replication");
                if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
                    return false;
                }
            }
            return true;
        }, "a healthy cluster");
    }

    /** {@code redis-cluster://127.0.0.1:p1,...}: every node as a seed. */
    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** The running primary that owns the slot of {@code key} (a key or a sharded pub/sub channel). */
    public RedisServer primaryOf(String key) {
        int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
        for (RedisServer n : running()) {
            String role = info(n, "INFO", "replication");
            if (role.contains("role:master") && ownsSlot(n, slot)) {
                return n;
            }
        }
        throw new IllegalStateException("no running primary owns slot " + slot);
    }

    /** A running primary other than {@code other}. */
    public RedisServer primaryOtherThan(RedisServer other) {
        return running().stream().filter(n -> n != other && info(n, "INFO", "replication").contains("role:master"))
                .findFirst().orElseThrow();
    }

    /**
     * Kills {@code primary} and waits until one of its replicas took over its slots (the cluster
     * detects the failure after the node timeout, then the replica is elected).
     */
    public RedisServer killAndAwaitFailover(RedisServer primary, String key) {
        primary.kill();
        await(() -> {
            try {
                RedisServer owner = primaryOf(key);
                return owner != primary;
            } catch (IllegalStateException e) {
                return false;
            }
        }, "a replica promoted in place of the killed primary");
        return primaryOf(key);
    }

    /**
     * Moves the slot of {@code key} to {@code target} the way resharding does: importing/migrating
     * states, MIGRATE of every key in the slot, then the new owner announced to every primary.
     */
    public void moveSlot(String key, RedisServer target) throws IOException {
        int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
        RedisServer source = primaryOf(key);
        String sourceId = (String) source.call("CLUSTER", "MYID");
        String targetId = (String) target.call("CLUSTER", "MYID");
        target.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", sourceId);
        source.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", targetId);
        while (true) {
            List<?> keys = (List<?>) source.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), "100");
            if (keys.isEmpty()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(target.port()), "", "0", "5000", "KEYS"));
            keys.forEach(k -> migrate.add((String) k));
            source.call(migrate.toArray(String[]::new));
        }
        for (RedisServer n : running()) {
            if (info(n, "INFO", "replication").contains("role:master")) {
                n.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId);
            }
        }
        await(() -> primaryOf(key) == target, "slot " + slot + " owned by its new primary");
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }

    private List<RedisServer> running() {
        return nodes.stream().filter(RedisServer::isRunning).toList();
    }

    private static boolean ownsSlot(RedisServer node, int slot) {
        if (!(call(node, "CLUSTER", "SLOTS") instanceof List<?> ranges)) {
            return false;
        }
        for (Object range : ranges) {
            List<?> r = (List<?>) range;
            List<?> master = (List<?>) r.get(2);
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1) && ((Long) master.get(1)).intValue() == node.port()) {
                return true;
            }
        }
        return false;
    }

    private static String info(RedisServer node, String... command) {
        Object reply = call(node, command);
        return reply == null ? "" : reply.toString();
    }

    private static Object call(RedisServer node, String... command) {
        try {
            return node.call(command);
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // a node going away mid-check: look again
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        throw new IllegalStateException("timed out after 60 s waiting for " + what);
    }
}
