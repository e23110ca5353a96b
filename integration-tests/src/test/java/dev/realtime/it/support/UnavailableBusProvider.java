package dev.realtime.it.support;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.HistoryPage;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;
import dev.realtime.spi.Published;

import java.util.List;

/** A bus whose data store is down: publishing fails, reading finds nothing. Named by class in web.xml. */
public class UnavailableBusProvider implements MessageBusProvider {
    @Override
    public String name() {
        return "unavailable";
    }

    @Override
    public MessageBus create(BusContext context) {
        return new MessageBus() {
            @Override
            public String epoch() {
                return "down";
            }

            @Override
            public Published publish(String channel, String event, String data, String idempotencyKey) {
                throw new BusUnavailableException("connection refused (test)");
            }

            @Override
            public HistoryPage read(String channel, String epoch, long after, int limit) {
                return new HistoryPage(List.of(), false, 0);
            }

            @Override
            public long head(String channel) {
                return 0;
            }

            @Override
            public BusSubscription subscribe(String channel, BusListener listener) {
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
    }
}
