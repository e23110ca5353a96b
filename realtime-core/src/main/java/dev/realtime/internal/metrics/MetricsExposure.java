package dev.realtime.internal.metrics;

import dev.realtime.internal.metrics.micrometer.MicrometerMeters;

import javax.management.ObjectName;
import java.util.List;

/**
 * Shows one application's {@link Metrics}: its MBeans (always, unless metrics are off) and its meters
 * in one Micrometer registry at a time. Micrometer is optional: {@link MicrometerMeters}, the only
 * class that names its types, is loaded only after {@link #micrometerPresent()} said yes.
 */
public final class MetricsExposure implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MetricsExposure.class.getName());
    private static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    private final Metrics metrics;
    private String context = "/";
    private List<ObjectName> mbeans = List.of();
    private AutoCloseable meters;
    private String registry = "none";
    private boolean closed;

    public MetricsExposure(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Registers the MBeans. {@code context} (the context path, {@code /} for the root) names them and
     * is the {@code context} tag of every meter, so several applications in one server stay apart.
     */
    public synchronized void start(String context) {
        this.context = context;
        if (metrics.enabled() && !closed) {
            mbeans = MetricsMBeans.register(metrics, context);
        }
    }

    /** The meters move to {@code registry} (a Micrometer {@code MeterRegistry}). */
    public synchronized void bindMeterRegistry(Object registry) {
        if (!micrometerPresent()) {
            throw new IllegalStateException("Micrometer (" + METER_REGISTRY + ") is not on realtime's class path");
        }
        if (!MicrometerMeters.isRegistry(registry)) {
            throw new IllegalArgumentException("not a " + METER_REGISTRY + ": " + (registry == null ? "null" : registry.getClass().getName()));
        }
        bind(registry, registry.getClass().getSimpleName());
    }

    /** The meters go to Micrometer's global registry, when Micrometer is on the class path. */
    public synchronized void bindGlobalRegistry() {
        if (micrometerPresent()) {
            bind(MicrometerMeters.globalRegistry(), "Micrometer's global registry");
        }
    }

    private void bind(Object registry, String description) {
        if (!metrics.enabled() || closed) {
            LOG.log(System.Logger.Level.INFO, "realtime.metrics.enabled=false: no meters are registered in " + description);
            return;
        }
        unbind();
        meters = MicrometerMeters.bind(registry, metrics, context);
        this.registry = description;
    }

    private void unbind() {
        if (meters != null) {
            try {
                meters.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "removing realtime's meters failed: " + e);
            }
            meters = null;
            registry = "none";
        }
    }

    /** For the start-up line: where the counts can be seen. */
    public synchronized String describe() {
        if (!metrics.enabled()) {
            return "metrics off";
        }
        String jmx = mbeans.isEmpty() ? "no MBeans" : "JMX " + mbeans.get(0).getDomain() + ":" + mbeans.get(0).getKeyPropertyListString()
                .replaceAll(",?type=Realtime", "");
        String micrometer = micrometerPresent() ? "Micrometer: " + registry : "no Micrometer on the class path";
        return "metrics " + jmx + ", " + micrometer;
    }

    /** Whether Micrometer can be seen from the library's class loader. */
    public static boolean micrometerPresent() {
        try {
            Class.forName(METER_REGISTRY, false, MetricsExposure.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Unregisters the MBeans and removes the meters: nothing of the application stays in the JVM's registries. */
    @Override
    public synchronized void close() {
        closed = true;
        metrics.recorder(null);
        unbind();
        MetricsMBeans.unregister(mbeans);
        mbeans = List.of();
    }
}
