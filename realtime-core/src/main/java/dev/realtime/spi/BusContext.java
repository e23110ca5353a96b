package dev.realtime.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** What a bus gets from the engine: history bounds, configuration, a clock and a scheduler. */
public interface BusContext {

    /** Messages kept per channel ({@code realtime.history.size}). */
    int historySize();

    /** How long messages (and idempotency keys) are kept ({@code realtime.history.maxAge}). */
    Duration historyAge();

    /**
     * Bytes of history a bus may keep in this JVM's heap across all channels, oldest evicted first
     * ({@code realtime.history.maxBytes}); a bus that keeps history elsewhere may ignore it.
     */
    default long historyMaxBytes() {
        return Long.MAX_VALUE;
    }

    /** Idempotency keys kept per channel, oldest forgotten first ({@code realtime.idempotency.maxKeys}). */
    default int idempotencyMaxKeys() {
        return Integer.MAX_VALUE;
    }

    /** Bytes of idempotency keys a bus may keep in this JVM's heap across all channels ({@code realtime.idempotency.maxBytes}). */
    default long idempotencyMaxBytes() {
        return Long.MAX_VALUE;
    }

    /** A raw configuration parameter, e.g. {@code realtime.redis.uri}. */
    Optional<String> parameter(String name);

    Clock clock();

    /** The engine's scheduler; owned by the engine, never shut down by a bus. */
    ScheduledExecutorService scheduler();
}
