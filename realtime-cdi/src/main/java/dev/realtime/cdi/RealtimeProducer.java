package dev.realtime.cdi;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * {@code @Inject Realtime} in any bean: the web application's own engine (kept by
 * {@link RealtimeExtension}, one per application), through {@link TransactionalRealtime} where JTA
 * runs. The produced bean is application-scoped, so the engine is first asked for at the first call,
 * not at injection.
 */
@ApplicationScoped
public class RealtimeProducer {
    @Inject
    RealtimeExtension application;

    @Produces
    @ApplicationScoped
    Realtime realtime() {
        Engine e = application.engine();
        Transactions t = application.transactions();
        return t == null ? e : new TransactionalRealtime(e, t);
    }
}
