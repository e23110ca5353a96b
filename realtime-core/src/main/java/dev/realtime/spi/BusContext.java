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

    /** A raw configuration parameter, e.g. {@code realtime.redis.uri}. */
    Optional<String> parameter(String name);

    Clock clock();

    /** The engine's scheduler; owned by the engine, never shut down by a bus. */
    ScheduledExecutorService scheduler();
}
