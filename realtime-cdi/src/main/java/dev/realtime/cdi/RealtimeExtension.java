package dev.realtime.cdi;

import dev.realtime.internal.Engine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

/**
 * realtime-cdi's portable extension: one instance per application (the container creates it with the
 * application's CDI container), so it is where the application's engine is kept once
 * {@link CdiIntegration} hands it over; {@link RealtimeProducer} and {@link RealtimeReadiness} read it
 * there. Not the container's {@code ServletContext} bean: on Payara that one works only inside a
 * request.
 *
 * <p>Adds {@link RealtimeReadiness} only where MicroProfile Health is visible to the application. That
 * class carries no bean-defining annotation, so scanning never loads it where the Health API is missing.
 */
public class RealtimeExtension implements Extension {
    static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";

    private volatile Engine engine;
    private volatile Transactions transactions;
    private volatile String contextPath;

    void addReadiness(@Observes BeforeBeanDiscovery discovery) {
        if (RealtimeCdiBootstrap.visible(HEALTH_CHECK, RealtimeExtension.class.getClassLoader())) {
            discovery.addAnnotatedType(RealtimeReadiness.class, RealtimeReadiness.class.getName()).add(ApplicationScoped.Literal.INSTANCE);
        }
    }

    /** Called once as the application starts (public: an extension is not proxied, but keep it callable from any bean). */
    public void attach(String contextPath, Engine engine, Transactions transactions) {
        this.contextPath = contextPath;
        this.transactions = transactions;
        this.engine = engine;
    }

    /** The application's engine. */
    public Engine engine() {
        Engine e = engine;
        if (e == null) {
            throw new IllegalStateException("realtime is not started in this application yet: realtime-servlet and realtime-cdi must be in "
                    + "WEB-INF/lib, and realtime starts with the web application's listeners (after @Startup beans)");
        }
        return e;
    }

    /** Null where no JTA runs. */
    Transactions transactions() {
        return transactions;
    }

    /** Null until the application started. */
    public String contextPath() {
        return contextPath;
    }
}
