package dev.realtime.cdi;

import dev.realtime.internal.Engine;
import dev.realtime.internal.metrics.HealthCheck.Status;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The application's realtime in MicroProfile Health's readiness ({@code /health/ready}): what
 * {@code {base}/health} answers (UP while the bus works, DOWN while it does not or while the
 * application stops), through the same once-a-second bus check. Added by {@link RealtimeExtension}.
 */
@Readiness
public class RealtimeReadiness implements HealthCheck {

    /** The built-in BeanManager, not the extension itself: a type an extension added may not see the jar's other beans on every server. */
    @Inject
    BeanManager beans;

    @Override
    public HealthCheckResponse call() {
        RealtimeExtension application = beans.getExtension(RealtimeExtension.class);
        String context = application.contextPath();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("realtime" + (context == null || context.isEmpty() ? "" : " " + context));
        if (context == null) {
            return response.down().withData("reason", "realtime is not started yet").build();
        }
        Engine e = application.engine();
        Status status = e.health().check();
        response.withData("bus", e.busName()).withData("connections", e.sessionCount());
        return status.up() ? response.up().build() : response.down().withData("health", status.json()).build();
    }
}
