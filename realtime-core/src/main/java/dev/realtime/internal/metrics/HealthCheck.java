package dev.realtime.internal.metrics;

import dev.realtime.internal.Engine;
import dev.realtime.internal.JsonText;

/**
 * The health endpoint's answer: {@code UP} while the bus works and the application is not stopping,
 * with the exact connection count per transport. The bus is asked at most once a second, so probes
 * from every load balancer cost the bus one check; concurrent probes wait for the same check.
 * The body names the bus provider and a reason, never an address or a credential.
 */
public final class HealthCheck {
    private static final System.Logger LOG = System.getLogger(HealthCheck.class.getName());
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    /** {@code up} decides 200 or 503; {@code json} is the body. */
    public record Status(boolean up, String json) {
    }

    private final Engine engine;
    private long checkedAt;
    private boolean checked;
    /** Why the bus failed its last check; null when it passed. */
    private String failure;

    public HealthCheck(Engine engine) {
        this.engine = engine;
    }

    public Status check() {
        String reason = engine.isClosing() ? "the application is shutting down" : busFailure();
        StringBuilder b = new StringBuilder(160).append("{\"status\":\"").append(reason == null ? "UP" : "DOWN").append('"');
        if (reason != null) {
            b.append(",\"reason\":");
            JsonText.appendString(b, reason);
        }
        b.append(",\"bus\":");
        JsonText.appendString(b, engine.busName());
        b.append(",\"connections\":{");
        Metrics m = engine.metrics();
        for (Transport t : Transport.NETWORK) {
            b.append(t == Transport.NETWORK[0] ? "" : ",").append('"').append(t.tag()).append("\":").append(m.connections(t));
        }
        return new Status(reason == null, b.append("}}").toString());
    }

    private synchronized String busFailure() {
        long now = System.nanoTime();
        if (checked && now - checkedAt < CHECK_EVERY_NANOS) {
            return failure;
        }
        String was = failure;
        try {
            engine.bus().checkAvailable();
            failure = null;
            if (was != null) {
                LOG.log(System.Logger.Level.INFO, "health: the message bus is reachable again: UP");
            }
        } catch (RuntimeException e) {
            failure = "the message bus is unreachable";
            if (was == null) {
                LOG.log(System.Logger.Level.WARNING, "health: DOWN, the message bus failed its check: " + e.getMessage());
            }
        }
        checked = true;
        checkedAt = System.nanoTime();
        return failure;
    }
}
