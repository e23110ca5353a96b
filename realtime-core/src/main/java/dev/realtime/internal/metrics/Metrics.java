package dev.realtime.internal.metrics;

import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;

import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One web application's counts: connections, messages, bytes, gaps, drops, refusals, lags. The
 * counting itself, container-free and without Micrometer; JMX ({@link MetricsMBeans}) and Micrometer
 * ({@code micrometer.MicrometerMeters}) only read it. Every hook is one call at its site, and costs a
 * few {@link LongAdder} increments (a live delivery also reads the clock once for its lag); no hook
 * calls into Micrometer per delivery.
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
    /** Deliveries read from history; live ones are the lag histogram's count (one increment per delivery, not two). */
    private final LongAdder[] replayed = adders(TRANSPORTS.length);
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
            if (d.live()) {
                lag[t.ordinal()].record(clock.millis() - d.message().timestamp());
            } else {
                replayed[t.ordinal()].increment();
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

    /**
     * A text frame handed to the container, counted in UTF-8 bytes. A delivery's frame is ASCII but
     * for the message's JSON, whose extra bytes are measured once per message (a fan-out frames one
     * message for every subscriber in a row), not once per frame.
     */
    public void wroteFrame(Transport t, Outbound o, String frame) {
        if (enabled) {
            bytes[t.ordinal()].add(frame.length() + (o instanceof Outbound.Delivery d ? extraUtf8Bytes(d.message()) : extraUtf8Bytes(frame)));
        }
    }

    /**
     * The message last measured, and its JSON's UTF-8 bytes beyond one per char: one object, read and
     * written whole. (Not a record: a record's generated equals would pin this class in a JDK cache.)
     */
    private static final class Measured {
        final Message message;
        final int extra;

        Measured(Message message, int extra) {
            this.message = message;
            this.extra = extra;
        }
    }

    private volatile Measured lastMeasured = new Measured(null, 0);

    private int extraUtf8Bytes(Message m) {
        Measured last = lastMeasured;
        if (last.message != m) {
            last = new Measured(m, extraUtf8Bytes(m.jsonFields()));
            lastMeasured = last;
        }
        return last.extra;
    }

    /** UTF-8 bytes of {@code s} beyond one per char. */
    static int extraUtf8Bytes(CharSequence s) {
        int n = 0;
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
        return lag[t.ordinal()].count() + replayed[t.ordinal()].sum();
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
