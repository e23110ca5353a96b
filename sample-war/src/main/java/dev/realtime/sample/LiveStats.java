package dev.realtime.sample;

import dev.realtime.Realtime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sample's live view of the server: hands realtime a Micrometer registry (the context attribute
 * {@link Realtime#METER_REGISTRY_ATTRIBUTE}, set before realtime starts: this listener is declared in
 * web.xml), reads realtime's own meters from it every second, and publishes what it read on
 * {@link #CHANNEL} over realtime itself, where the page's panel shows it.
 */
public class LiveStats implements ServletContextListener {
    static final String CHANNEL = "stats:live";
    private static final System.Logger LOG = System.getLogger(LiveStats.class.getName());
    private static final List<String> TRANSPORTS = List.of("websocket", "sse", "longpoll");

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private ScheduledExecutorService timer;
    private double lastPublished = -1;
    private double lastDelivered = -1;
    private long lastAt;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        ctx.setAttribute(Realtime.METER_REGISTRY_ATTRIBUTE, registry);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-live-stats");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> publish(ctx), 1, 1, TimeUnit.SECONDS);
    }

    private void publish(ServletContext ctx) {
        if (!(ctx.getAttribute(Realtime.ATTRIBUTE) instanceof Realtime realtime)) {
            return;
        }
        try {
            realtime.publish(CHANNEL, "stats", snapshot());
        } catch (RuntimeException e) { // shutting down, or a Redis bus that is away: the next second tries again
            LOG.log(System.Logger.Level.DEBUG, "live stats not published: " + e);
        }
    }

    /** Connections, lags (ms) per transport; totals and rates of messages published by clients and delivered. */
    Map<String, Object> snapshot() {
        Map<String, Object> transports = new LinkedHashMap<>();
        for (String t : TRANSPORTS) {
            Map<String, Object> row = new LinkedHashMap<>();
            Gauge connections = registry.find("realtime.connections").tag("transport", t).gauge();
            row.put("connections", connections == null ? 0 : (long) connections.value());
            for (Gauge p : registry.find("realtime.delivery.lag.percentile").tag("transport", t).gauges()) {
                String phi = p.getId().getTag("phi"); // 0.5, 0.99; the value is in seconds
                row.put("0.5".equals(phi) ? "lagP50" : "lagP99", Math.round(p.value() * 10_000) / 10.0);
            }
            transports.put(t, row);
        }
        double published = sum("realtime.messages.published", "http") + sum("realtime.messages.published", "websocket");
        double delivered = sum("realtime.messages.delivered", null);
        long now = System.nanoTime();
        double seconds = (now - lastAt) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("transports", transports);
        out.put("published", (long) published);
        out.put("delivered", (long) delivered);
        out.put("publishedPerSecond", lastPublished < 0 ? 0 : Math.round((published - lastPublished) / seconds * 10) / 10.0);
        out.put("deliveredPerSecond", lastDelivered < 0 ? 0 : Math.round((delivered - lastDelivered) / seconds * 10) / 10.0);
        lastPublished = published;
        lastDelivered = delivered;
        lastAt = now;
        return out;
    }

    /** A counter's total over the meters of that name (with the given origin, when one is given). */
    private double sum(String name, String origin) {
        var search = registry.find(name);
        if (origin != null) {
            search = search.tag("origin", origin);
        }
        return search.functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}
