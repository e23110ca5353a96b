package dev.realtime.internal.metrics;

import dev.realtime.ErrorCode;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;

import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One web application's counts: connections, messages, bytes, gaps, drops, refusals, lags. The
 * counting itself, container-free and without Micrometer; JMX ({@link MetricsMBeans}) and Micrometer
 * ({@code micrometer.MicrometerMeters}) only read it. Every hook is one call at its site, and costs a
 * {@link LongAdder} increment (a delivery also reads the clock once for its lag).
 *
 * <p>With {@code realtime.metrics.enabled=false} the per-message counts are not kept; connections
 * are always counted (the health endpoint reports them).
 */
public final class Metrics {
    private static final Transport[] TRANSPORTS = Transport.values();

    /** Subscriptions and live channels, computed from the sessions when read. */
    public record Subscriptions(long subscriptions, long channels) {
    }

    private final boolean enabled;
    private final Clock clock;
    private final LongAdder[] connections = adders(TRANSPORTS.length);
    private final LongAdder[] published = adders(Origin.values().length);
    private final LongAdder[] delivered = adders(TRANSPORTS.length);
    private final LongAdder[] bytes = adders(TRANSPORTS.length);
    private final LongAdder[] gaps = adders(TRANSPORTS.length);
    private final LongAdder[] disconnects = adders(Session.CloseCause.values().length);
    private final LongAdder[] refusals = adders(ErrorCode.values().length);
    private final LongAdder dropped = new LongAdder();
    private final Histogram[] lag = new Histogram[TRANSPORTS.length];
    /** Bus publish latency in microseconds. */
    private final Histogram busPublish = new Histogram();
    private volatile Recorder recorder;
    private volatile Supplier<Subscriptions> subscriptionSource = () -> new Subscriptions(0, 0);
    private volatile Subscriptions lastSubscriptions;
    private volatile long lastSubscriptionsAt;

    public Metrics(boolean enabled, Clock clock) {
        this.enabled = enabled;
        this.clock = clock;
        for (int i = 0; i < lag.length; i++) {
            lag[i] = new Histogram();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    // ------------------------------------------------------------------ hooks (hot paths)

    public void opened(Transport t) {
        connections[t.ordinal()].increment();
    }

    public void closed(Transport t) {
        connections[t.ordinal()].decrement();
    }

    public void published(Origin origin) {
        if (enabled) {
            published[origin.ordinal()].increment();
        }
    }

    /** A bus publish took this long (successful or not). */
    public void busPublished(long nanos) {
        if (enabled) {
            busPublish.record(nanos / 1000);
            Recorder r = recorder;
            if (r != null) {
                r.busPublish(nanos);
            }
        }
    }

    /**
     * A transport handed an item's frame to the container: a delivery (with its lag from publish, when
     * it came live rather than from history) or a gap notice. Control frames are not counted.
     */
    public void sent(Transport t, Outbound o) {
        if (!enabled) {
            return;
        }
        if (o instanceof Outbound.Delivery d) {
            delivered[t.ordinal()].increment();
            if (d.live()) {
                long millis = Math.max(0, clock.millis() - d.message().timestamp());
                lag[t.ordinal()].record(millis);
                Recorder r = recorder;
                if (r != null) {
                    r.deliveryLag(t, millis);
                }
            }
        } else if (o instanceof Outbound.Gap) {
            gaps[t.ordinal()].increment();
        }
    }

    /** Bytes handed to the container for a client: frames, events, answers, heartbeats. */
    public void wrote(Transport t, long count) {
        if (enabled) {
            bytes[t.ordinal()].add(count);
        }
    }

    /** A text frame handed to the container: counted as its UTF-8 bytes (measured only while metrics are on). */
    public void wroteText(Transport t, CharSequence text) {
        if (enabled) {
            bytes[t.ordinal()].add(utf8Length(text));
        }
    }

    static long utf8Length(CharSequence s) {
        long n = s.length();
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes for 2 chars
            }
        }
        return n;
    }

    public void disconnected(Session.CloseCause cause) {
        if (enabled) {
            disconnects[cause.ordinal()].increment();
        }
    }

    /** The drop-oldest policy took a message out of a full queue. */
    public void droppedOldest() {
        if (enabled) {
            dropped.increment();
        }
    }

    /** A request or frame was refused with this protocol error code. */
    public void refused(ErrorCode code) {
        if (enabled) {
            refusals[code.ordinal()].increment();
        }
    }

    /** Starts a new window slot of the histograms; the engine calls it every {@link Histogram#ROTATE_SECONDS}. */
    public void rotate() {
        for (Histogram h : lag) {
            h.rotate();
        }
        busPublish.rotate();
    }

    // ------------------------------------------------------------------ readers

    public long connections(Transport t) {
        return connections[t.ordinal()].sum();
    }

    public long publishedCount(Origin origin) {
        return published[origin.ordinal()].sum();
    }

    public long delivered(Transport t) {
        return delivered[t.ordinal()].sum();
    }

    public long bytesWritten(Transport t) {
        return bytes[t.ordinal()].sum();
    }

    public long gaps(Transport t) {
        return gaps[t.ordinal()].sum();
    }

    public long disconnects(Session.CloseCause cause) {
        return disconnects[cause.ordinal()].sum();
    }

    public long droppedOldestCount() {
        return dropped.sum();
    }

    public long refusals(ErrorCode code) {
        return refusals[code.ordinal()].sum();
    }

    /** Delivery lag in milliseconds, publish accepted to frame handed to the container. */
    public Histogram lag(Transport t) {
        return lag[t.ordinal()];
    }

    /** Bus publish latency in microseconds. */
    public Histogram busPublish() {
        return busPublish;
    }

    /** Where {@link #subscriptions()} comes from (the engine's sessions). */
    public void subscriptionSource(Supplier<Subscriptions> source) {
        this.subscriptionSource = source;
    }

    /**
     * Subscriptions and live channels, counted over every session at most once a second: several
     * gauges read one after the other share one walk.
     */
    public Subscriptions subscriptions() {
        long now = System.nanoTime();
        Subscriptions s = lastSubscriptions;
        if (s == null || now - lastSubscriptionsAt > 1_000_000_000L) {
            s = subscriptionSource.get();
            lastSubscriptions = s;
            lastSubscriptionsAt = now;
        }
        return s;
    }

    public void recorder(Recorder recorder) {
        this.recorder = recorder;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }
}
