package dev.realtime.servlet.internal;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Keeps the WebSocket upgrade request being handled on this thread. A configurator only sees the
 * WebSocket API's {@code HandshakeRequest}, which has no client address and no servlet context;
 * every container runs {@code modifyHandshake} on the thread that handles the upgrade request, so
 * the handshake checks read the servlet request from here.
 */
public final class UpgradeRequests implements ServletRequestListener {
    private static final ThreadLocal<HttpServletRequest> CURRENT = new ThreadLocal<>();

    /** The upgrade request on this thread whose key is {@code key}, or null. */
    public static HttpServletRequest current(String key) {
        HttpServletRequest req = CURRENT.get();
        return req != null && key != null && key.equals(req.getHeader("Sec-WebSocket-Key")) ? req : null;
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (event.getServletRequest() instanceof HttpServletRequest req && req.getHeader("Sec-WebSocket-Key") != null) {
            CURRENT.set(req);
        } else {
            CURRENT.remove(); // in case a container skipped requestDestroyed after an upgrade
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        CURRENT.remove();
    }
}
