package dev.realtime.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed configuration read from web.xml context parameters ({@code realtime.*}). Every option has a
 * default; a bad value throws {@link ConfigurationException} naming the parameter, so start-up fails
 * loudly instead of running with a surprise.
 */
public final class Settings {
    public static final String BASE_PATH = "realtime.basePath";
    public static final String AUTO_REGISTER = "realtime.autoRegister";
    public static final String BUS = "realtime.bus";
    public static final String HISTORY_SIZE = "realtime.history.size";
    public static final String HISTORY_MAX_AGE = "realtime.history.maxAge";
    public static final String HISTORY_MAX_BYTES = "realtime.history.maxBytes";
    public static final String IDEMPOTENCY_MAX_KEYS = "realtime.idempotency.maxKeys";
    public static final String IDEMPOTENCY_MAX_BYTES = "realtime.idempotency.maxBytes";
    public static final String POLL_TIMEOUT = "realtime.poll.timeout";
    public static final String POLL_MAX_TIMEOUT = "realtime.poll.maxTimeout";
    public static final String POLL_MAX_MESSAGES = "realtime.poll.maxMessages";
    public static final String POLL_LINGER = "realtime.poll.linger";
    public static final String SSE_RETRY = "realtime.sse.retry";
    public static final String HEARTBEAT_INTERVAL = "realtime.heartbeat.interval";
    public static final String SSE_PROBE_INTERVAL = "realtime.sse.probeInterval";
    public static final String WS_PING_INTERVAL = "realtime.ws.pingInterval";
    public static final String WS_MAX_FRAME_SIZE = "realtime.ws.maxFrameSize";
    public static final String MESSAGE_MAX_SIZE = "realtime.message.maxSize";
    public static final String CHANNELS_MAX = "realtime.channels.max";
    public static final String QUEUE_MAX_MESSAGES = "realtime.queue.maxMessages";
    public static final String QUEUE_MAX_BYTES = "realtime.queue.maxBytes";
    public static final String QUEUE_POLICY = "realtime.queue.policy";
    public static final String ALLOWED_ORIGINS = "realtime.allowedOrigins";
    public static final String PUBLISH_HOOK = "realtime.publishHook";
    public static final String IO_THREADS = "realtime.ioThreads";
    public static final String AUTHORIZER = "realtime.authorizer";
    public static final String CONNECTIONS_MAX = "realtime.connections.max";
    public static final String CONNECTIONS_PER_ADDRESS = "realtime.connections.perAddress";
    public static final String PUBLISH_RATE = "realtime.publish.rate";
    public static final String QUERY_MAX_LENGTH = "realtime.query.maxLength";
    public static final String PUBLISH_BODY_TIMEOUT = "realtime.publish.bodyTimeout";
    public static final String PRESENCE_MAX_MEMBERS = "realtime.presence.maxMembers";
    public static final String PRESENCE_MAX_INFO_SIZE = "realtime.presence.maxInfoSize";
    public static final String PRESENCE_POLL_GRACE = "realtime.presence.pollGrace";
    public static final String PATTERNS_MAX_CHANNELS = "realtime.patterns.maxChannels";
    public static final String METRICS_ENABLED = "realtime.metrics.enabled";
    public static final String HEALTH_ENABLED = "realtime.health.enabled";
    public static final String TICKET_KEY = "realtime.ticket.key";
    public static final String TICKET_TTL = "realtime.ticket.ttl";
    public static final String TICKET_CREDENTIAL_TTL = "realtime.ticket.credentialTtl";

    /** Every option this class knows, for checking typos in web.xml. */
    public static final List<String> ALL = List.of(BASE_PATH, AUTO_REGISTER, BUS, HISTORY_SIZE, HISTORY_MAX_AGE,
            POLL_TIMEOUT, POLL_MAX_TIMEOUT, POLL_MAX_MESSAGES, POLL_LINGER, SSE_RETRY, HEARTBEAT_INTERVAL, SSE_PROBE_INTERVAL, WS_PING_INTERVAL,
            WS_MAX_FRAME_SIZE, MESSAGE_MAX_SIZE, CHANNELS_MAX, QUEUE_MAX_MESSAGES, QUEUE_MAX_BYTES, QUEUE_POLICY,
            ALLOWED_ORIGINS, PUBLISH_HOOK, IO_THREADS, AUTHORIZER, CONNECTIONS_MAX, CONNECTIONS_PER_ADDRESS,
            PUBLISH_RATE, QUERY_MAX_LENGTH, PUBLISH_BODY_TIMEOUT, HISTORY_MAX_BYTES, IDEMPOTENCY_MAX_KEYS,
            IDEMPOTENCY_MAX_BYTES, PRESENCE_MAX_MEMBERS, PRESENCE_MAX_INFO_SIZE, PRESENCE_POLL_GRACE, PATTERNS_MAX_CHANNELS,
            METRICS_ENABLED, HEALTH_ENABLED, TICKET_KEY, TICKET_TTL, TICKET_CREDENTIAL_TTL);

    public enum QueuePolicy { DISCONNECT, DROP_OLDEST }

    private final Function<String, String> source;

    public final String basePath;
    public final boolean autoRegister;
    public final int historySize;
    public final Duration historyAge;
    public final long historyMaxBytes;
    public final int idempotencyMaxKeys;
    public final long idempotencyMaxBytes;
    public final Duration pollTimeout;
    public final Duration pollMaxTimeout;
    public final int pollMaxMessages;
    /** How long a long-poll session is kept after an answer for the client's next poll (0: not kept). */
    public final Duration pollLinger;
    public final Duration sseRetry;
    public final Duration heartbeatInterval;
    public final Duration wsPingInterval;
    public final int wsMaxFrameSize;
    public final int messageMaxSize;
    public final int channelsMax;
    public final int queueMaxMessages;
    public final long queueMaxBytes;
    public final QueuePolicy queuePolicy;
    public final List<String> allowedOrigins;
    public final int ioThreads;
    public final int connectionsMax;
    public final int connectionsPerAddress;
    public final int publishRate;
    public final int queryMaxLength;
    /** After this long without output an SSE stream writes a 2-byte comment, so a closed client is noticed. */
    public final Duration sseProbeInterval;
    /** How long an HTTP publish body may take to arrive in all: a body dribbled byte by byte ends here. */
    public final Duration publishBodyTimeout;
    /** Presence members per channel, across nodes (protocol 1.1). */
    public final int presenceMaxMembers;
    /** Bytes of a presence member's info as compact JSON. */
    public final int presenceMaxInfoSize;
    /** How long a long-poll member stays present after its poll was answered. */
    public final Duration presencePollGrace;
    /** Matched channels a wildcard subscription keeps in the connection's cursor. */
    public final int patternsMaxChannels;
    /** Per-message counts, MBeans and Micrometer meters; connections are counted either way. */
    public final boolean metricsEnabled;
    /** {@code {base}/health} answers; off, it is {@code 404}. */
    public final boolean healthEnabled;
    /** How long a connection ticket may wait to be used, unless its issuer said otherwise. */
    public final Duration ticketTtl;
    /** How long a connection a ticket opened stays authenticated, unless its issuer said otherwise. */
    public final Duration ticketCredentialTtl;

    /** @param source parameter lookup, e.g. {@code servletContext::getInitParameter}; returns null when unset */
    public Settings(Function<String, String> source) {
        this.source = source;
        basePath = path(BASE_PATH, "/realtime");
        autoRegister = bool(AUTO_REGISTER, true);
        historySize = integer(HISTORY_SIZE, 1000, 1, 1_000_000);
        historyAge = duration(HISTORY_MAX_AGE, Duration.ofMinutes(10));
        long heap = Runtime.getRuntime().maxMemory();
        // in-memory bus: a quarter of the heap for history, a thirty-second for idempotency keys, within sane limits
        historyMaxBytes = bytes(HISTORY_MAX_BYTES, clamp(heap / 4, 16L << 20, 1L << 30), 1L << 20);
        idempotencyMaxKeys = integer(IDEMPOTENCY_MAX_KEYS, 1000, 1, 10_000_000);
        idempotencyMaxBytes = bytes(IDEMPOTENCY_MAX_BYTES, clamp(heap / 32, 4L << 20, 128L << 20), 64 * 1024);
        pollTimeout = duration(POLL_TIMEOUT, Duration.ofSeconds(25));
        pollMaxTimeout = duration(POLL_MAX_TIMEOUT, Duration.ofSeconds(60));
        if (pollTimeout.compareTo(pollMaxTimeout) > 0) {
            throw new ConfigurationException(POLL_TIMEOUT + " (" + pollTimeout.toMillis() + " ms) is above "
                    + POLL_MAX_TIMEOUT + " (" + pollMaxTimeout.toMillis() + " ms)");
        }
        pollMaxMessages = integer(POLL_MAX_MESSAGES, 1000, 1, 100_000);
        pollLinger = duration(POLL_LINGER, Duration.ofSeconds(5));
        sseRetry = duration(SSE_RETRY, Duration.ofSeconds(3));
        sseProbeInterval = positive(SSE_PROBE_INTERVAL, duration(SSE_PROBE_INTERVAL, Duration.ofSeconds(5)));
        heartbeatInterval = positive(HEARTBEAT_INTERVAL, duration(HEARTBEAT_INTERVAL, Duration.ofSeconds(15)));
        wsPingInterval = positive(WS_PING_INTERVAL, duration(WS_PING_INTERVAL, Duration.ofSeconds(25)));
        wsMaxFrameSize = integer(WS_MAX_FRAME_SIZE, 128 * 1024, 1024, 64 * 1024 * 1024);
        messageMaxSize = integer(MESSAGE_MAX_SIZE, 64 * 1024, 1, 64 * 1024 * 1024);
        channelsMax = integer(CHANNELS_MAX, 64, 1, 10_000);
        queueMaxMessages = integer(QUEUE_MAX_MESSAGES, 4096, 16, 10_000_000);
        queueMaxBytes = integer(QUEUE_MAX_BYTES, 8 * 1024 * 1024, 64 * 1024, Integer.MAX_VALUE);
        queuePolicy = queuePolicy();
        allowedOrigins = list(ALLOWED_ORIGINS);
        ioThreads = integer(IO_THREADS, Math.max(2, Runtime.getRuntime().availableProcessors()), 1, 1024);
        connectionsMax = integer(CONNECTIONS_MAX, 50_000, 1, Integer.MAX_VALUE);
        connectionsPerAddress = integer(CONNECTIONS_PER_ADDRESS, 1000, 1, Integer.MAX_VALUE);
        publishRate = integer(PUBLISH_RATE, 1000, 1, Integer.MAX_VALUE);
        queryMaxLength = integer(QUERY_MAX_LENGTH, 4096, 256, 1024 * 1024); // under the containers' 8 KiB request-header limit, with room for headers
        publishBodyTimeout = positive(PUBLISH_BODY_TIMEOUT, duration(PUBLISH_BODY_TIMEOUT, Duration.ofSeconds(10)));
        presenceMaxMembers = integer(PRESENCE_MAX_MEMBERS, 1000, 1, 1_000_000);
        presenceMaxInfoSize = integer(PRESENCE_MAX_INFO_SIZE, 1024, 4, 64 * 1024);
        presencePollGrace = duration(PRESENCE_POLL_GRACE, Duration.ofSeconds(15));
        patternsMaxChannels = integer(PATTERNS_MAX_CHANNELS, 64, 1, 10_000);
        metricsEnabled = bool(METRICS_ENABLED, true);
        healthEnabled = bool(HEALTH_ENABLED, true);
        ticketTtl = positive(TICKET_TTL, duration(TICKET_TTL, Duration.ofSeconds(30)));
        ticketCredentialTtl = positive(TICKET_CREDENTIAL_TTL, duration(TICKET_CREDENTIAL_TTL, Duration.ofHours(1)));
    }

    /** The raw value of any parameter, including those of bus implementations (e.g. {@code realtime.redis.uri}). */
    public Optional<String> raw(String name) {
        String v = source.apply(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private String path(String name, String def) {
        String v = raw(name).orElse(def);
        if (!v.startsWith("/") || v.endsWith("/") || v.contains("*") || v.contains("//") || v.length() < 2) {
            throw new ConfigurationException(name + " must be a path such as /realtime (leading slash, no trailing slash, no wildcard), got '" + v + "'");
        }
        return v;
    }

    private boolean bool(String name, boolean def) {
        String v = raw(name).orElse(null);
        if (v == null) {
            return def;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(name + " must be true or false, got '" + v + "'");
        };
    }

    private int integer(String name, int def, int min, int max) {
        return (int) number(name, def, min, max);
    }

    private long bytes(String name, long def, long min) {
        return number(name, def, min, Long.MAX_VALUE);
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private long number(String name, long def, long min, long max) {
        String v = raw(name).orElse(null);
        if (v == null) {
            return def;
        }
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < min || n > max) {
                throw new ConfigurationException(name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number, got '" + v + "'");
        }
    }

    /** Accepts {@code 1500} (milliseconds), {@code 1500ms}, {@code 30s}, {@code 10m}, {@code 1h} or ISO-8601 {@code PT10M}. */
    private Duration duration(String name, Duration def) {
        String v = raw(name).orElse(null);
        if (v == null) {
            return def;
        }
        try {
            Duration d = parseDuration(v);
            if (d.isNegative()) {
                throw new ConfigurationException(name + " must not be negative, got '" + v + "'");
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ConfigurationException(name + " must be a duration such as 1500ms, 30s, 10m or 1h (a bare number means milliseconds), got '" + v + "'");
        }
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        }
        char unit = s.charAt(s.length() - 1);
        String number = s.substring(0, s.length() - 1).trim();
        return switch (unit) {
            case 's' -> Duration.ofSeconds(Long.parseLong(number));
            case 'm' -> Duration.ofMinutes(Long.parseLong(number));
            case 'h' -> Duration.ofHours(Long.parseLong(number));
            default -> Duration.ofMillis(Long.parseLong(s));
        };
    }

    private static Duration positive(String name, Duration d) {
        if (d.isZero()) {
            throw new ConfigurationException(name + " must be above zero, got '0'");
        }
        return d;
    }

    private QueuePolicy queuePolicy() {
        String v = raw(QUEUE_POLICY).orElse("disconnect");
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "disconnect" -> QueuePolicy.DISCONNECT;
            case "drop-oldest" -> QueuePolicy.DROP_OLDEST;
            default -> throw new ConfigurationException(QUEUE_POLICY + " must be disconnect or drop-oldest, got '" + v + "'");
        };
    }

    private List<String> list(String name) {
        return raw(name).map(v -> Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }
}
