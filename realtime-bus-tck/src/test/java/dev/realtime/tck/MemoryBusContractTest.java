package dev.realtime.tck;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;

import java.util.ServiceLoader;

/** Core's in-memory bus passes the kit; found as any bus is, through the SPI. */
class MemoryBusContractTest extends MessageBusContract {
    @Override
    protected MessageBus createBus(BusContext context) {
        return memory().create(context);
    }

    static MessageBusProvider memory() {
        return ServiceLoader.load(MessageBusProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("memory"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("realtime-core lists no 'memory' bus provider"));
    }
}
