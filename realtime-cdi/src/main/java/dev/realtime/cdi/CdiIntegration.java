package dev.realtime.cdi;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContext;

/**
 * What realtime-cdi does at start-up where CDI runs: finds the JTA synchronization registry once (for
 * {@link TransactionalRealtime}) and, when the application observes realtime's events, registers the
 * listener that fires them ({@link CdiEvents}). Loaded only when the CDI API is visible.
 */
final class CdiIntegration {
    private static final System.Logger LOG = System.getLogger(CdiIntegration.class.getName());

    private CdiIntegration() {
    }

    /** The application's instance of the extension; a CDI container that skipped it (CDI Lite) is named. */
    private static RealtimeExtension extension(BeanManager beans, ServletContext ctx) {
        try {
            return beans.getExtension(RealtimeExtension.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the CDI container of " + ctx.getContextPath() + " did not load realtime-cdi's portable extension "
                    + RealtimeExtension.class.getName() + " (META-INF/services): realtime-cdi needs CDI Full, as Jakarta EE servers have", e);
        }
    }

    static Runnable start(ServletContext ctx) {
        BeanManager beans;
        try {
            beans = CDI.current().getBeanManager();
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.INFO, "the CDI API is here but no CDI container runs " + ctx.getContextPath()
                    + ": realtime-cdi does nothing");
            return () -> {
            };
        }
        Engine realtime = (Engine) ctx.getAttribute(Realtime.ATTRIBUTE);
        Transactions transactions = Transactions.lookup();
        extension(beans, ctx).attach(ctx.getContextPath(), realtime, transactions);
        CdiEvents events = CdiEvents.resolve(beans, ctx.getClassLoader());
        AutoCloseable listening = events == null ? null : realtime.addListener(events);
        LOG.log(System.Logger.Level.INFO, "realtime-cdi in " + (ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath())
                + ": @Inject Realtime; " + (transactions == null ? "no JTA (publishes go at once)" : "JTA: publishes in a transaction wait for its commit")
                + "; events observed: " + (events == null ? "none" : events.observed()));
        return () -> {
            if (listening != null) {
                try {
                    listening.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "removing the CDI listener failed", e);
                }
            }
        };
    }
}
