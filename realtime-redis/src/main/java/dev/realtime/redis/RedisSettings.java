package dev.realtime.redis;

import dev.realtime.spi.BusContext;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** The Redis bus's configuration, read once from the context; bad values name their parameter. */
record RedisSettings(RedisURI uri, String displayUri, String prefix, Duration timeout, boolean durable, Duration nodeTimeout) {
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
        RedisURI uri;
        try {
            uri = RedisURI.create(uriText);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(URI + " is not a valid Redis URI ('" + display + "'): " + e.getMessage()
                    + "; expected e.g. " + DEFAULT_URI, e);
        }
        if (uri.getHost() == null && uri.getSocket() == null && uri.getSentinels().isEmpty()) {
            throw new IllegalArgumentException(URI + " names no Redis host ('" + display + "'); expected e.g. " + DEFAULT_URI);
        }

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
        uri.setTimeout(timeout.compareTo(HANDSHAKE_TIMEOUT) < 0 ? HANDSHAKE_TIMEOUT : timeout);
        String durableText = context.parameter(DURABLE).map(String::trim).orElse("false");
        if (!durableText.equals("true") && !durableText.equals("false")) {
            throw new IllegalArgumentException(DURABLE + " must be true or false: '" + durableText + "'");
        }
        return new RedisSettings(uri, display, prefix, timeout, Boolean.parseBoolean(durableText), nodeTimeout);
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
