package dev.realtime.tck;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;

import java.util.ServiceLoader;

/** Core's in-memory bus passes the protocol 1.1 kit (wildcards, ephemeral messages, presence on one node). */
class MemoryLiveContractTest extends LiveBusContract {
    @Override
    protected MessageBus createBus(BusContext context) {
        return MemoryBusContractTest.memory().create(context);
    }
}
