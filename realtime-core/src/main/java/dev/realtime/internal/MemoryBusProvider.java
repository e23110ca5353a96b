package dev.realtime.internal;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;

/** {@code realtime.bus=memory}: the default single-node bus. */
public final class MemoryBusProvider implements MessageBusProvider {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public MessageBus create(BusContext context) {
        return new MemoryBus(context);
    }
}
