package dev.realtime.it.metrics;

import dev.realtime.Realtime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Test-only, packed into the metrics WARs with Micrometer in WEB-INF/lib (with {@link AppRegistry}
 * where the application hands realtime its own registry): {@code GET /test/meters}
 * lists every {@code realtime.*} meter of a registry as lines {@code name{tag=v,...} value}
 * ({@code ?registry=global} for Micrometer's global one); {@code POST /test/meters} binds realtime to
 * a fresh registry through {@link Realtime#bindMeterRegistry}.
 */
public final class MeterProbe {
    static final String REGISTRY = "test.registry";
    private static final String[] JARS = {"micrometer-core-", "micrometer-commons-", "micrometer-observation-",
            "HdrHistogram-", "LatencyUtils-"};

    private MeterProbe() {
    }

    /** Micrometer's jars from the test class path, for WEB-INF/lib. */
    static File[] micrometerJars() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(File::new)
                .filter(f -> f.getName().endsWith(".jar") && java.util.Arrays.stream(JARS).anyMatch(f.getName()::startsWith))
                .toArray(File[]::new);
    }

    @WebServlet("/test/meters")
    public static class Meters extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            MeterRegistry registry = "global".equals(req.getParameter("registry")) ? Metrics.globalRegistry
                    : (MeterRegistry) getServletContext().getAttribute(REGISTRY);
            resp.setContentType("text/plain;charset=utf-8");
            if (registry == null) {
                return;
            }
            resp.getWriter().print(realtimeMeters(registry).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining("\n")));
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
            SimpleMeterRegistry fresh = new SimpleMeterRegistry();
            ((Realtime) getServletContext().getAttribute(Realtime.ATTRIBUTE)).bindMeterRegistry(fresh);
            getServletContext().setAttribute(REGISTRY, fresh);
            resp.setStatus(204);
        }
    }

    /** Every realtime meter: gauges and counters by value, timers by count ({@code name#count}) and max or total in ms. */
    static Map<String, Double> realtimeMeters(MeterRegistry registry) {
        Map<String, Double> out = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (!name.startsWith("realtime.")) {
                continue;
            }
            String key = name + m.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
                    .collect(Collectors.joining(",", "{", "}"));
            if (m instanceof Gauge g) {
                out.put(key, g.value());
            } else if (m instanceof FunctionCounter c) {
                out.put(key, c.count());
            } else if (m instanceof Timer t) {
                out.put(key + "#count", (double) t.count());
                out.put(key + "#max", t.max(TimeUnit.MILLISECONDS));
            } else if (m instanceof FunctionTimer t) {
                out.put(key + "#count", t.count());
                out.put(key + "#total", t.totalTime(TimeUnit.MILLISECONDS));
            }
        }
        return out;
    }
}
