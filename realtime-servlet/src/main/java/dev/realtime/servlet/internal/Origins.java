package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The origin rule: requests without {@code Origin} (non-browser clients) pass; browser requests must
 * come from the same origin (the {@code Host} they were sent to) or one listed in
 * {@code realtime.allowedOrigins} ({@code *} allows any). Writes (WebSocket handshakes, publishes)
 * from other origins are refused; reads get CORS headers only when allowed.
 */
public final class Origins {
    private final List<String> allowed;
    private final boolean any;

    public Origins(List<String> allowed) {
        this.any = allowed.contains("*");
        this.allowed = allowed.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    }

    public void checkWrite(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin != null && !allowed(origin, req)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed; list it in realtime.allowedOrigins");
        }
    }

    /** Adds CORS headers for an allowed cross-origin request. */
    public void cors(HttpServletRequest req, HttpServletResponse resp) {
        String origin = req.getHeader("Origin");
        if (origin != null && allowed(origin, req)) {
            resp.setHeader("Access-Control-Allow-Origin", origin);
            resp.setHeader("Access-Control-Allow-Credentials", "true");
            resp.setHeader("Access-Control-Expose-Headers", "Realtime-Token, Realtime-Expires-In");
            resp.addHeader("Vary", "Origin");
        }
    }

    public void preflight(HttpServletRequest req, HttpServletResponse resp) {
        cors(req, resp);
        if (resp.containsHeader("Access-Control-Allow-Origin")) {
            resp.setHeader("Access-Control-Allow-Methods", "GET, POST");
            resp.setHeader("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key, Last-Event-ID, Realtime-Ticket");
            resp.setHeader("Access-Control-Max-Age", "600");
        }
        resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private boolean allowed(String origin, HttpServletRequest req) {
        return allowed(origin, req.getHeader("Host"));
    }

    /** Whether a request from {@code origin} sent to {@code host} (the Host header, maybe null) is allowed. */
    boolean allowed(String origin, String host) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (any || allowed.contains(o)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(o);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            String h = host.toLowerCase(Locale.ROOT);
            return h.equals(uri.getHost() + ":" + port) || (h.equals(uri.getHost()) && (port == 80 || port == 443));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
