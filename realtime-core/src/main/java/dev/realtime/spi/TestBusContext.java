package dev.realtime.spi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BusContext} for tests and tools, never used by the engine (as Micrometer ships its
 * {@code MockClock}): the bus compatibility kit (realtime-bus-tck) runs every bus against it. Fixed history bounds, parameters from a map, a clock that only moves
 * when told to, and a real one-thread scheduler (named {@value #SCHEDULER_THREAD_PREFIX}...) that
 * {@link #close()} shuts down, as the engine does.
 */
public class TestBusContext implements BusContext, AutoCloseable {
    /** Threads of this context's scheduler start with this name, so thread-leak checks can tell them apart. */
    public static final String SCHEDULER_THREAD_PREFIX = "test-bus-context-scheduler-";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final int historySize;
    private final Duration historyAge;
    private final Map<String, String> parameters;
    private final MutableClock clock;
    private final ScheduledThreadPoolExecutor scheduler;

    public TestBusContext(int historySize, Duration historyAge, Map<String, String> parameters) {
        this.historySize = historySize;
        this.historyAge = historyAge;
        this.parameters = new HashMap<>(parameters);
        this.clock = new MutableClock(Instant.now());
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, SCHEDULER_THREAD_PREFIX + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public int historySize() {
        return historySize;
    }

    @Override
    public Duration historyAge() {
        return historyAge;
    }

    @Override
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    /** Sets (or with {@code null} removes) a parameter; affects buses created afterwards. */
    public TestBusContext parameter(String name, String value) {
        if (value == null) {
            parameters.remove(name);
        } else {
            parameters.put(name, value);
        }
        return this;
    }

    @Override
    public MutableClock clock() {
        return clock;
    }

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Tasks still queued on the scheduler (periodic tasks a bus forgot to cancel show up here). */
    public int scheduledTasks() {
        return scheduler.getQueue().size();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A clock that stands still until {@link #advance(Duration)} moves it. Thread-safe. */
    public static final class MutableClock extends Clock {
        private final AtomicLong millis;

        public MutableClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        public void advance(Duration by) {
            if (by.isNegative()) {
                throw new IllegalArgumentException("time only moves forward: " + by);
            }
            millis.addAndGet(by.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (ZoneOffset.UTC.equals(zone)) {
                return this;
            }
            throw new UnsupportedOperationException("the test clock is UTC only");
        }
    }
}
