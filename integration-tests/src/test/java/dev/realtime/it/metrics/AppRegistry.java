package dev.realtime.it.metrics;

import dev.realtime.Realtime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Test-only: hands realtime the application's own {@link SimpleMeterRegistry} through the context
 * attribute (before realtime starts: web.xml and annotated listeners come before the fragment's).
 * When the application stops (after realtime: listeners stop in reverse), the number of realtime
 * meters left in the registry goes to the system property {@code realtime.it.metersLeft<context>}.
 */
@WebListener
public class AppRegistry implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        event.getServletContext().setAttribute(Realtime.METER_REGISTRY_ATTRIBUTE, registry);
        event.getServletContext().setAttribute(MeterProbe.REGISTRY, registry);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        MeterRegistry registry = (MeterRegistry) ctx.getAttribute(MeterProbe.REGISTRY);
        System.setProperty("realtime.it.metersLeft" + ctx.getContextPath(), Long.toString(MeterProbe.realtimeMeters(registry).size()));
    }
}
