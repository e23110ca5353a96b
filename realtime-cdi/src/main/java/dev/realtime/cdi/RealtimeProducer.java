package dev.realtime.cdi;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;

/**
 * {@code @Inject Realtime} in any bean: the web application's own engine (each application's
 * {@code ServletContext} holds its own), through {@link TransactionalRealtime} where JTA runs. The
 * bean is application-scoped, so the engine is looked up at the first call, not at injection.
 */
@ApplicationScoped
public class RealtimeProducer {

    @Inject
    ServletContext servletContext;

    @Produces
    @ApplicationScoped
    Realtime realtime() {
        Object engine = servletContext.getAttribute(Realtime.ATTRIBUTE);
        if (!(engine instanceof Engine e)) {
            throw new IllegalStateException("realtime is not started in " + servletContext.getContextPath()
                    + ": realtime-servlet must be in WEB-INF/lib (or dev.realtime.servlet.RealtimeBootstrap declared in web.xml)");
        }
        Object transactions = servletContext.getAttribute(CdiIntegration.TRANSACTIONS);
        return transactions instanceof Transactions t ? new TransactionalRealtime(e, t) : e;
    }
}
