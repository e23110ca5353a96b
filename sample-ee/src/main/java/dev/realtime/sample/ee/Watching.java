package dev.realtime.sample.ee;

import dev.realtime.Realtime;
import dev.realtime.cdi.ChannelSubscribed;
import dev.realtime.cdi.ChannelUnsubscribed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Observes subscriptions to {@code tasks} and publishes how many connections watch the board on
 * {@code stats:watching}. A subscription is announced once it is live, so a client that subscribes
 * to {@code stats:watching} first, then {@code tasks}, sees the count that includes itself.
 */
@ApplicationScoped
public class Watching {
    @Inject
    Realtime realtime;

    private final AtomicInteger watching = new AtomicInteger();

    void subscribed(@Observes ChannelSubscribed e) {
        if (e.channel().equals("tasks")) {
            realtime.publish("stats:watching", Map.of("watching", watching.incrementAndGet()));
        }
    }

    void unsubscribed(@Observes ChannelUnsubscribed e) {
        if (e.channel().equals("tasks")) {
            realtime.publish("stats:watching", Map.of("watching", watching.decrementAndGet()));
        }
    }
}
