package dev.realtime.cdi;

import dev.realtime.Realtime;
import dev.realtime.servlet.RealtimeBootstrap;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Declared in this jar's web-fragment.xml, after realtime's own: connects the application's engine to
 * CDI and JTA ({@link CdiIntegration}). It names no CDI or JTA type itself, and loads
 * {@link CdiIntegration} only once the CDI API is visible, so on a container without CDI (Tomcat,
 * Jetty) the jar does nothing and no CDI class is loaded.
 */
public class RealtimeCdiBootstrap implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(RealtimeCdiBootstrap.class.getName());

    /** Undoes what {@link #contextInitialized} did, in reverse order. */
    private Runnable stop = () -> {
    };

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        if (!visible("jakarta.enterprise.inject.spi.CDI", ctx.getClassLoader())) {
            LOG.log(System.Logger.Level.DEBUG, "no CDI in this container: realtime-cdi does nothing in " + ctx.getContextPath());
            return;
        }
        Runnable stopEngine = () -> {
        };
        if (ctx.getAttribute(Realtime.ATTRIBUTE) == null) {
            // realtime's fragment was ordered after ours (an <absolute-ordering> without it): start it here
            RealtimeBootstrap own = new RealtimeBootstrap();
            own.contextInitialized(event);
            stopEngine = () -> own.contextDestroyed(event);
        }
        Runnable stopCdi = CdiIntegration.start(ctx);
        Runnable engine = stopEngine;
        stop = () -> {
            stopCdi.run();
            engine.run();
        };
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Runnable s = stop;
        stop = () -> {
        };
        s.run();
    }

    static boolean visible(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
