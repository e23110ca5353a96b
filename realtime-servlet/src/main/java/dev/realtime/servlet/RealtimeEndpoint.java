package dev.realtime.servlet;

import dev.realtime.ErrorCode;
import dev.realtime.Realtime;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.servlet.internal.UpgradeRequests;
import dev.realtime.servlet.internal.WsEndpoint;
import dev.realtime.servlet.internal.WsHandshake;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * The realtime WebSocket protocol on an endpoint the application deploys itself, at its own path.
 * Name {@link Configurator} (or a subclass with your own checks) as the endpoint's configurator, and
 * either deploy this class as a programmatic endpoint or let your {@code @ServerEndpoint} class
 * delegate its {@code @OnOpen}, {@code @OnClose} and {@code @OnError} to an instance of it (one per
 * connection). Frames, limits and handshake checks are the same as on {@code {base}/ws}; a
 * handshake the checks refuse is accepted, answered with an {@code error} frame and closed.
 *
 * <p>The library deploys this class itself at {@code {base}/ws} on containers whose servlet-side
 * upgrade does not work (see docs/architecture.md).
 */
public class RealtimeEndpoint extends Endpoint {
    private static final String PREPARED = RealtimeEndpoint.class.getName() + ".connection";

    private WsEndpoint connection;

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        Object prepared = config.getUserProperties().remove(PREPARED);
        if (prepared == null) {
            prepared = session.getUserProperties().remove(PREPARED);
        }
        if (prepared instanceof WsEndpoint c) {
            connection = c;
            c.onOpen(session, config);
        } else {
            RealtimeException reason = prepared instanceof RealtimeException e ? e
                    : new RealtimeException(ErrorCode.NOT_FOUND, "the endpoint's configurator is not "
                    + Configurator.class.getName() + " (or a subclass): realtime cannot serve this connection");
            // not on this thread: Tyrus (Payara) runs onOpen inside the upgrade request, and a close there
            // recycles the response under the container (a SEVERE in its log) and may lose the error frame.
            // The JDK's shared pool, since a refusal may come where realtime has no engine (and no threads)
            ForkJoinPool.commonPool().execute(() -> WsEndpoint.refuse(session, reason));
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        if (connection != null) {
            connection.onClose(session, reason);
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        if (connection != null) {
            connection.onError(session, error);
        }
    }

    /**
     * Runs the handshake checks (origin, channels, cursor, authorizer, connection limits) and prepares
     * the connection for {@link RealtimeEndpoint#onOpen}. Subclasses may add their own checks and call
     * {@code super.modifyHandshake} last.
     */
    public static class Configurator extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, jakarta.websocket.HandshakeResponse response) {
            config.getUserProperties().put(PREPARED, prepare(request));
        }

        /**
         * For a subclass's own check: refuses this handshake instead of calling
         * {@code super.modifyHandshake}. The connection is answered with an {@code error} frame
         * carrying the reason's code and message, then closed (1008; 1013 for {@code rate_limited}
         * and {@code overloaded}, 1001 for {@code shutting_down}), as the library's own refusals are.
         */
        protected final void refuse(ServerEndpointConfig config, RealtimeException reason) {
            config.getUserProperties().put(PREPARED, reason);
        }

        private static Object prepare(HandshakeRequest request) {
            HttpServletRequest req = UpgradeRequests.current(header(request.getHeaders(), "Sec-WebSocket-Key"));
            if (req == null) {
                return new RealtimeException(ErrorCode.NOT_FOUND, "realtime could not see this handshake's request: is "
                        + RealtimeBootstrap.class.getName() + " started in this application?");
            }
            if (!(req.getServletContext().getAttribute(Realtime.ATTRIBUTE) instanceof Engine engine)) {
                return new RealtimeException(ErrorCode.NOT_FOUND, "realtime is not started in this application");
            }
            try {
                return WsHandshake.prepare(engine, req);
            } catch (RealtimeException e) {
                engine.metrics().refused(e.code());
                return e;
            }
        }

        /** Header maps are case-insensitive in some containers only. */
        private static String header(Map<String, List<String>> headers, String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }
}
