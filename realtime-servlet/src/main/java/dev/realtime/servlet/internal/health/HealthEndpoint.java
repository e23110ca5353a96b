package dev.realtime.servlet.internal.health;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.metrics.HealthCheck;
import dev.realtime.servlet.internal.HttpErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET {base}/health} (and {@code HEAD}): {@code 200} with {@code "status":"UP"} while the bus
 * works, {@code 503} with {@code "status":"DOWN"} and a reason while it does not or the application is
 * stopping. For load balancers and Kubernetes probes; {@code realtime.health.enabled=false} makes it
 * {@code 404}. See docs/wire-protocol-v1.md, "Health".
 */
public final class HealthEndpoint {
    private HealthEndpoint() {
    }

    public static void answer(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!engine.settings().healthEnabled) {
            throw new RealtimeException(ErrorCode.NOT_FOUND, "the health endpoint is switched off (realtime.health.enabled=false)");
        }
        boolean head = req.getMethod().equals("HEAD");
        if (!head && !req.getMethod().equals("GET")) {
            throw new HttpErrors.MethodNotAllowed("GET");
        }
        HealthCheck.Status status = engine.health().check();
        resp.setStatus(status.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        if (head) {
            resp.setContentType("application/json;charset=utf-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.setContentLength(status.json().getBytes(StandardCharsets.UTF_8).length);
        } else {
            HttpErrors.writeJson(resp, status.json());
        }
    }
}
