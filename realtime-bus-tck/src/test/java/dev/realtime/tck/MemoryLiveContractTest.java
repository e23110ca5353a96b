package dev.realtime.tck;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import org.junit.jupiter.api.Nested;

/**
 * Core's in-memory bus passes the protocol 1.1 kit for what it offers: a live bus on one node
 * (ephemeral messages, presence) and wildcard subscriptions. It spans no nodes, so it does not run
 * {@link CrossNodeLiveContract}.
 */
class MemoryLiveContractTest {
    static MessageBus memoryBus(BusContext context) {
        return MemoryBusContractTest.memory().create(context);
    }

    @Nested
    class Live extends LiveBusContract {
        @Override
        protected MessageBus createBus(BusContext context) {
            return memoryBus(context);
        }
    }

    @Nested
    class Wildcards extends WildcardContract {
        @Override
        protected MessageBus createBus(BusContext context) {
            return memoryBus(context);
        }
    }
}
