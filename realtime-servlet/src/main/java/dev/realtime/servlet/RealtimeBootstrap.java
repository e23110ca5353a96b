package dev.realtime.servlet;

import dev.realtime.Realtime;
import dev.realtime.internal.ConfigurationException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Engines;
import dev.realtime.internal.Settings;
import dev.realtime.servlet.internal.StartupSummary;
import dev.realtime.servlet.internal.WebSockets;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Starts realtime with the web application and stops it with it. Declared in the jar's
 * web-fragment.xml, so adding the jar is enough; with a {@code metadata-complete} web.xml, declare
 * this class as a {@code <listener>} yourself.
 *
 * <p>Reads the {@code realtime.*} context parameters, keeps the engine in the context attribute
 * {@link Realtime#ATTRIBUTE}, and (unless {@code realtime.autoRegister=false}) maps
 * {@link RealtimeServlet} at {@code realtime.basePath + "/*"}.
 */
public class RealtimeBootstrap implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(RealtimeBootstrap.class.getName());
    /** The context attribute that holds the WebSocket container (WebSocket 2.1, section 6.4). */
    private static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

    /** Whether this listener started the engine: only that one stops it. */
    private boolean started;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        if (ctx.getAttribute(Realtime.ATTRIBUTE) != null) {
            // e.g. declared in web.xml and read again from the jar's web-fragment.xml (Payara does, even
            // under metadata-complete): one engine per application
            LOG.log(System.Logger.Level.INFO, "realtime is already started in this application; "
                    + getClass().getName() + " declared a second time does nothing");
            return;
        }
        started = true;
        Settings settings = new Settings(ctx::getInitParameter);
        warnAboutUnknownParameters(ctx);
        Engine engine = Engines.start(settings, ctx.getContextPath(), ctx.getClassLoader());
        try {
            bindMeterRegistry(ctx, engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        ctx.setAttribute(Realtime.ATTRIBUTE, engine);
        if (settings.autoRegister) {
            ServletRegistration.Dynamic reg = ctx.addServlet("realtime", RealtimeServlet.class);
            if (reg == null) {
                LOG.log(System.Logger.Level.INFO, "a servlet named 'realtime' is already declared; leaving its mapping as the application made it");
            } else {
                reg.setAsyncSupported(true);
                reg.setLoadOnStartup(1);
                reg.addMapping(settings.basePath + "/*");
            }
        }
        installWebSocket(ctx);
        LOG.log(System.Logger.Level.INFO, StartupSummary.of(ctx, engine));
    }

    /** The application's registry from the context attribute, else Micrometer's global one (when Micrometer is there). */
    private static void bindMeterRegistry(ServletContext ctx, Engine engine) {
        Object registry = ctx.getAttribute(Realtime.METER_REGISTRY_ATTRIBUTE);
        if (registry == null) {
            engine.exposure().bindGlobalRegistry();
            return;
        }
        try {
            engine.bindMeterRegistry(registry);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ConfigurationException("the context attribute " + Realtime.METER_REGISTRY_ATTRIBUTE + ": " + e.getMessage());
        }
    }

    /** WebSocket at {@code /ws} under every mapping of the servlet, ours or the application's. */
    private static void installWebSocket(ServletContext ctx) {
        List<String> mappings = new ArrayList<>();
        for (ServletRegistration r : ctx.getServletRegistrations().values()) {
            if (RealtimeServlet.class.getName().equals(r.getClassName())) {
                mappings.addAll(r.getMappings());
            }
        }
        if (offersWebSocket(ctx)) {
            WebSockets.install(ctx, mappings);
        } else {
            LOG.log(System.Logger.Level.INFO, "this container offers no WebSocket (no " + SERVER_CONTAINER
                    + " attribute): realtime serves SSE and long-polling, and its clients fall back to them");
        }
    }

    /**
     * Whether the container offers WebSocket 2.1, asked by the attribute's name so that no WebSocket
     * class is loaded where the API is missing.
     */
    static boolean offersWebSocket(ServletContext ctx) {
        return ctx.getAttribute(SERVER_CONTAINER) != null;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (!started) {
            return;
        }
        started = false;
        ServletContext ctx = event.getServletContext();
        Object engine = ctx.getAttribute(Realtime.ATTRIBUTE);
        ctx.removeAttribute(Realtime.ATTRIBUTE);
        if (engine instanceof Engine e) {
            e.close();
            LOG.log(System.Logger.Level.INFO, "realtime" + engineName(ctx) + ": stopped");
        }
    }

    /** Names the engine's threads and log lines after the context path: {@code /shop} gives {@code -shop}. */
    private static String engineName(ServletContext ctx) {
        return ctx.getContextPath().replace('/', '-');
    }

    /** A mistyped parameter would silently keep its default: say so. Bus parameters are left to the bus. */
    private static void warnAboutUnknownParameters(ServletContext ctx) {
        for (String p : Collections.list(ctx.getInitParameterNames())) {
            if (p.startsWith("realtime.") && !Settings.ALL.contains(p) && !p.startsWith("realtime.redis.")) {
                LOG.log(System.Logger.Level.WARNING, "unknown context parameter " + p + " (ignored); known: " + Settings.ALL);
            }
        }
    }
}
