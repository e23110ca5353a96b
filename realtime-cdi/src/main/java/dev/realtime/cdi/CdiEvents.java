package dev.realtime.cdi;

import dev.realtime.ClientPublish;
import dev.realtime.Connection;
import dev.realtime.Message;
import dev.realtime.RealtimeListener;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.ObserverMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Fires realtime's events as CDI events. Which types have observers, synchronous or asynchronous, is
 * resolved once at start-up (a CDI application's observers are fixed when it deploys); a type nobody
 * observes costs one field read, and with no observer at all this listener is not registered.
 */
final class CdiEvents implements RealtimeListener {
    private static final System.Logger LOG = System.getLogger(CdiEvents.class.getName());

    private final ClassLoader loader;
    private final Route<ConnectionOpened> opened;
    private final Route<ConnectionClosed> closed;
    private final Route<ChannelSubscribed> subscribed;
    private final Route<ChannelUnsubscribed> unsubscribed;
    private final Route<MessagePublished> published;
    private final Route<PresenceJoined> joined;
    private final Route<PresenceLeft> left;

    private CdiEvents(BeanManager beans, ClassLoader loader) {
        this.loader = loader;
        Event<Object> events = beans.getEvent();
        opened = Route.of(beans, events, ConnectionOpened.class, new ConnectionOpened(null));
        closed = Route.of(beans, events, ConnectionClosed.class, new ConnectionClosed(null));
        subscribed = Route.of(beans, events, ChannelSubscribed.class, new ChannelSubscribed(null, null));
        unsubscribed = Route.of(beans, events, ChannelUnsubscribed.class, new ChannelUnsubscribed(null, null));
        published = Route.of(beans, events, MessagePublished.class, new MessagePublished(null, null, Optional.empty()));
        joined = Route.of(beans, events, PresenceJoined.class, new PresenceJoined(null, null, null));
        left = Route.of(beans, events, PresenceLeft.class, new PresenceLeft(null, null, null));
    }

    /** The listener, or null when the application observes none of the events. */
    static CdiEvents resolve(BeanManager beans, ClassLoader loader) {
        CdiEvents e = new CdiEvents(beans, loader);
        return e.observed().isEmpty() ? null : e;
    }

    /** The observed types, for the start-up line. */
    List<String> observed() {
        List<String> names = new ArrayList<>();
        for (Route<?> r : List.of(opened, closed, subscribed, unsubscribed, published, joined, left)) {
            if (r.any()) {
                names.add(r.type.getSimpleName() + (r.sync && r.async ? " (sync, async)" : r.sync ? " (sync)" : " (async)"));
            }
        }
        return names;
    }

    @Override
    public void opened(Connection connection) {
        if (opened.any()) {
            fire(opened, new ConnectionOpened(connection));
        }
    }

    @Override
    public void closed(Connection connection) {
        if (closed.any()) {
            fire(closed, new ConnectionClosed(connection));
        }
    }

    @Override
    public void subscribed(Connection connection, String channel) {
        if (subscribed.any()) {
            fire(subscribed, new ChannelSubscribed(connection, channel));
        }
    }

    @Override
    public void unsubscribed(Connection connection, String channel) {
        if (unsubscribed.any()) {
            fire(unsubscribed, new ChannelUnsubscribed(connection, channel));
        }
    }

    @Override
    public void joined(Connection connection, String channel, String member) {
        if (joined.any()) {
            fire(joined, new PresenceJoined(connection, channel, member));
        }
    }

    @Override
    public void left(Connection connection, String channel, String member) {
        if (left.any()) {
            fire(left, new PresenceLeft(connection, channel, member));
        }
    }

    @Override
    public void published(Message message, ClientPublish client) {
        if (published.any()) {
            fire(published, client == null
                    ? new MessagePublished(message, "application", Optional.empty())
                    : new MessagePublished(message, client.transport(), client.user()));
        }
    }

    /** On the library's own threads the application's class loader is set, as CDI expects of a component's thread. */
    private <T> void fire(Route<T> route, T payload) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        if (before != loader) {
            t.setContextClassLoader(loader);
        }
        try {
            route.fire(payload);
        } finally {
            if (before != loader) {
                t.setContextClassLoader(before);
            }
        }
    }

    /** One event type: its {@code Event} and whether synchronous and asynchronous observers exist. */
    private record Route<T>(Class<T> type, Event<T> event, boolean sync, boolean async) {

        static <T> Route<T> of(BeanManager beans, Event<Object> events, Class<T> type, T sample) {
            Set<ObserverMethod<? super T>> observers = beans.resolveObserverMethods(sample);
            boolean sync = false;
            boolean async = false;
            for (ObserverMethod<? super T> o : observers) {
                if (o.isAsync()) {
                    async = true;
                } else {
                    sync = true;
                }
            }
            return new Route<>(type, events.select(type), sync, async);
        }

        boolean any() {
            return sync || async;
        }

        void fire(T payload) {
            if (sync) {
                event.fire(payload);
            }
            if (async) {
                event.fireAsync(payload).whenComplete((x, e) -> {
                    if (e != null) {
                        LOG.log(System.Logger.Level.WARNING, "an asynchronous observer of " + type.getSimpleName() + " failed", e);
                    }
                });
            }
        }
    }
}
