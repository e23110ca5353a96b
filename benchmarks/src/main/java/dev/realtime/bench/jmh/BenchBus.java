package dev.realtime.bench.jmh;

import dev.realtime.internal.MemoryBusProvider;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A MemoryBus as the engine makes it (history 1,000 messages, 10 minutes), with its own scheduler. */
public final class BenchBus implements AutoCloseable {
    public final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-bus-sweeper");
        t.setDaemon(true);
        return t;
    });
    public final MessageBus bus;

    public BenchBus(int historySize) {
        bus = new MemoryBusProvider().create(new BusContext() {
            @Override
            public int historySize() {
                return historySize;
            }

            @Override
            public Duration historyAge() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Optional<String> parameter(String name) {
                return Optional.empty();
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        });
    }

    @Override
    public void close() {
        bus.close();
        scheduler.shutdownNow();
    }
}
