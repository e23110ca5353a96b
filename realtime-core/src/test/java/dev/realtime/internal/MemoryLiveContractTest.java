package dev.realtime.internal;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.LiveBusContract;
import dev.realtime.spi.MessageBus;

/** The in-memory bus passes the protocol 1.1 kit (wildcards, ephemeral messages, presence on one node). */
class MemoryLiveContractTest extends LiveBusContract {
    @Override
    protected MessageBus createBus(BusContext context) {
        return new MemoryBusProvider().create(context);
    }
}
