package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis bus's configuration, read once from the context; bad values name their parameter.
 *
 * @param uri          the Redis (or Sentinel) URI; for a cluster, its first seed node
 * @param clusterSeeds the seed nodes of a Redis Cluster ({@code redis-cluster://}), empty otherwise
 * @param durable      see {@link #DURABLE}
 * @param nodeTimeout  see {@link #NODE_TIMEOUT}
 */
record RedisSettings(RedisURI uri, List<RedisURI> clusterSeeds, String displayUri, String prefix, Duration timeout,
                     boolean durable, Duration nodeTimeout) {
    static final String URI = "realtime.redis.uri";
    static final String PREFIX = "realtime.redis.prefix";
    static final String TIMEOUT = "realtime.redis.timeout";
    /**
     * {@code true} when Redis keeps every acknowledged write across restarts ({@code appendonly yes},
     * {@code appendfsync always}) and no failover can promote a replica that lags: a restart then keeps
     * the epoch instead of starting a new one (clients get no gap). The default, {@code false}, treats
     * every restart or failover as possibly older data.
     */
    static final String DURABLE = "realtime.redis.durable";
    /** Presence (protocol 1.1): a node that has not renewed its liveness for this long has its members leave. */
    static final String NODE_TIMEOUT = "realtime.redis.nodeTimeout";
    static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(15);
    static final String DEFAULT_URI = "redis://localhost:6379";
    static final String CLUSTER_SCHEME = "redis-cluster://";
    static final String CLUSTER_TLS_SCHEME = "rediss-cluster://";
    static final String DEFAULT_PREFIX = "realtime:";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    static RedisSettings from(BusContext context) {
        String uriText = context.parameter(URI).map(String::trim).orElse(DEFAULT_URI);
        if (uriText.isEmpty()) {
            throw new IllegalArgumentException(URI + " is empty: set it to a Redis URI such as " + DEFAULT_URI
                    + ", or leave it out for that default");
        }
        String display = withoutPassword(uriText);
        List<RedisURI> seeds = clusterSeeds(uriText, display);
        RedisURI uri = seeds.isEmpty() ? parse(uriText, display) : seeds.get(0);

        String prefix = context.parameter(PREFIX).orElse(DEFAULT_PREFIX);
        if (prefix.isBlank() || prefix.chars().anyMatch(c -> c <= ' ' || c == '{' || c == '}')) {
            throw new IllegalArgumentException(PREFIX + " must be non-empty, without spaces or braces: '" + prefix + "'");
        }

        Duration timeout = context.parameter(TIMEOUT).map(String::trim).map(t -> duration(TIMEOUT, t)).orElse(DEFAULT_TIMEOUT);
        Duration nodeTimeout = context.parameter(NODE_TIMEOUT).map(String::trim).map(t -> duration(NODE_TIMEOUT, t))
                .orElse(DEFAULT_NODE_TIMEOUT);
        if (nodeTimeout.toMillis() < 300) {
            throw new IllegalArgumentException(NODE_TIMEOUT + " must be at least 300 ms (the liveness is renewed three times per period): '"
                    + nodeTimeout.toMillis() + " ms'");
        }
        // the connection handshake may take longer than a command (a cold start of the client): give it at least 10 s
        Duration handshake = timeout.compareTo(HANDSHAKE_TIMEOUT) < 0 ? HANDSHAKE_TIMEOUT : timeout;
        uri.setTimeout(handshake);
        seeds.forEach(seed -> seed.setTimeout(handshake));
        String durableText = context.parameter(DURABLE).map(String::trim).orElse("false");
        if (!durableText.equals("true") && !durableText.equals("false")) {
            throw new IllegalArgumentException(DURABLE + " must be true or false: '" + durableText + "'");
        }
        return new RedisSettings(uri, seeds, display, prefix, timeout, Boolean.parseBoolean(durableText), nodeTimeout);
    }

    /** True for a Redis Cluster: {@code redis-cluster://host:port[,host:port...]}. */
    boolean cluster() {
        return !clusterSeeds.isEmpty();
    }

    private static RedisURI parse(String text, String display) {
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(URI + " is not a valid Redis URI ('" + display + "'): " + e.getMessage()
                    + "; expected e.g. " + DEFAULT_URI + " or " + CLUSTER_SCHEME + "host:port,host:port", e);
        }
        if (uri.getHost() == null && uri.getSocket() == null && uri.getSentinels().isEmpty()) {
            throw new IllegalArgumentException(URI + " names no Redis host ('" + display + "'); expected e.g. " + DEFAULT_URI);
        }
        return uri;
    }

    /**
     * The seed nodes of {@code redis-cluster://[user:password@]host:port[,host:port...]} (or
     * {@code rediss-cluster://} for TLS), each as a plain Redis URI with the same credentials; empty for
     * any other scheme. Any seed will do: the client learns the whole cluster from the first that answers.
     */
    private static List<RedisURI> clusterSeeds(String text, String display) {
        String scheme = text.startsWith(CLUSTER_SCHEME) ? "redis://" : text.startsWith(CLUSTER_TLS_SCHEME) ? "rediss://" : null;
        if (scheme == null) {
            return List.of();
        }
        String rest = text.substring(text.indexOf("://") + 3);
        int at = rest.lastIndexOf('@');
        String credentials = at < 0 ? "" : rest.substring(0, at + 1);
        String hosts = rest.substring(at + 1);
        if (hosts.contains("/") || hosts.contains("?")) {
            throw new IllegalArgumentException(URI + " of a cluster takes no database or options ('" + display
                    + "'): a cluster has only database 0; expected e.g. " + CLUSTER_SCHEME + "10.0.0.1:6379,10.0.0.2:6379");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (!host.trim().matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException(URI + " names a cluster seed without host and port ('" + display
                        + "'); expected e.g. " + CLUSTER_SCHEME + "10.0.0.1:6379,10.0.0.2:6379");
            }
            seeds.add(parse(scheme + credentials + host.trim(), display));
        }
        return List.copyOf(seeds);
    }

    private static Duration duration(String parameter, String text) {
        Duration d;
        try {
            d = text.matches("\\d{1,9}") ? Duration.ofMillis(Long.parseLong(text)) : Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(parameter + " must be milliseconds (e.g. 2000) or an ISO-8601 duration (e.g. PT2S): '"
                    + text + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(parameter + " must be positive: '" + text + "'");
        }
        return d;
    }

    /** The URI with any password replaced, for messages and logs. */
    static String withoutPassword(String uri) {
        return uri.replaceAll("(//[^/@]*:)[^/@]*@", "$1***@");
    }
}
