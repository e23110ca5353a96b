package dev.realtime.internal;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusContract;

/** The in-memory bus passes the bus compatibility kit. */
class MemoryBusContractTest extends MessageBusContract {
    @Override
    protected MessageBus createBus(BusContext context) {
        return new MemoryBusProvider().create(context);
    }
}
