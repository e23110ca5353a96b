package dev.realtime.internal.metrics.micrometer;

import dev.realtime.ErrorCode;
import dev.realtime.internal.Session;
import dev.realtime.internal.metrics.Metrics;
import dev.realtime.internal.metrics.Origin;
import dev.realtime.internal.metrics.Transport;
import dev.realtime.internal.metrics.Histogram;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * realtime's meters in a Micrometer registry (names, tags and units: README, "Monitoring"). Counters,
 * gauges and the delivery lag read {@link Metrics}, so a bound registry adds nothing to a delivery;
 * the bus publish timer is Micrometer's own (one recording per publish, through the
 * {@code Recorder}). The only class that names Micrometer types: loaded only when Micrometer is there.
 */
public final class MicrometerMeters {
    private static final double[] PERCENTILES = {0.5, 0.99};

    private MicrometerMeters() {
    }

    public static boolean isRegistry(Object o) {
        return o instanceof MeterRegistry;
    }

    public static Object globalRegistry() {
        return io.micrometer.core.instrument.Metrics.globalRegistry;
    }

    /** Registers every meter, tagged {@code context}; closing the result removes them again. */
    public static AutoCloseable bind(Object registryObject, Metrics metrics, String context) {
        MeterRegistry registry = (MeterRegistry) registryObject;
        Tags base = Tags.of("context", context);
        List<Meter> meters = new ArrayList<>();
        for (Transport t : Transport.NETWORK) {
            Tags tags = base.and("transport", t.tag());
            meters.add(Gauge.builder("realtime.connections", metrics, m -> m.connections(t)).tags(tags)
                    .description("open connections (long-polling: polls being held)").register(registry));
            meters.add(FunctionCounter.builder("realtime.messages.delivered", metrics, m -> m.delivered(t)).tags(tags)
                    .description("messages handed to the container for clients").register(registry));
            meters.add(FunctionCounter.builder("realtime.bytes.written", metrics, m -> m.bytesWritten(t)).tags(tags)
                    .description("bytes handed to the container for clients").baseUnit(BaseUnits.BYTES).register(registry));
            meters.add(FunctionCounter.builder("realtime.gaps", metrics, m -> m.gaps(t)).tags(tags)
                    .description("gap notices sent").register(registry));
            // the lag is recorded once per delivery: into realtime's own histogram, which these read (a Micrometer
            // timer would cost every delivery its own recording; BENCHMARKS.md, "Cost of metrics")
            Histogram lag = metrics.lag(t);
            meters.add(FunctionTimer.builder("realtime.delivery.lag", lag, Histogram::count, Histogram::total, TimeUnit.MILLISECONDS)
                    .tags(tags).description("publish accepted to frame handed to the container, live messages only")
                    .register(registry));
            for (double phi : PERCENTILES) {
                meters.add(Gauge.builder("realtime.delivery.lag.percentile", lag, h -> h.percentile(phi) / 1000.0)
                        .tags(tags.and("phi", Double.toString(phi))).baseUnit("seconds")
                        .description("delivery lag percentile over the last minute").register(registry));
            }
        }
        meters.add(Gauge.builder("realtime.subscriptions", metrics, m -> m.subscriptions().subscriptions()).tags(base)
                .description("subscriptions of every connection").register(registry));
        meters.add(Gauge.builder("realtime.channels", metrics, m -> m.subscriptions().channels()).tags(base)
                .description("channels with at least one subscriber on this node").register(registry));
        for (Origin o : Origin.values()) {
            meters.add(FunctionCounter.builder("realtime.messages.published", metrics, m -> m.publishedCount(o))
                    .tags(base.and("origin", o.tag())).description("messages published").register(registry));
        }
        for (Session.CloseCause c : Session.CloseCause.values()) {
            meters.add(FunctionCounter.builder("realtime.disconnects", metrics, m -> m.disconnects(c))
                    .tags(base.and("cause", c.name().toLowerCase(Locale.ROOT)))
                    .description("connections closed by the server").register(registry));
        }
        meters.add(FunctionCounter.builder("realtime.queue.dropped", metrics, Metrics::droppedOldestCount).tags(base)
                .description("messages the drop-oldest policy took out of full queues").register(registry));
        for (ErrorCode c : ErrorCode.values()) {
            meters.add(FunctionCounter.builder("realtime.refusals", metrics, m -> m.refusals(c)).tags(base.and("code", c.code()))
                    .description("requests and frames refused with this error code").register(registry));
        }
        Timer busPublish = Timer.builder("realtime.bus.publish").tags(base)
                .description("one publish through the message bus").publishPercentiles(PERCENTILES).publishPercentileHistogram()
                .register(registry);
        meters.add(busPublish);
        metrics.recorder(nanos -> busPublish.record(nanos, TimeUnit.NANOSECONDS));
        return () -> {
            metrics.recorder(null);
            for (Meter m : meters) {
                registry.remove(m);
            }
        };
    }
}
