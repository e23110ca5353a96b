package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.util.Map;

/**
 * Upgrades {@code <base>/ws} from the servlet (WebSocket 2.1's {@code upgradeHttpToWebSocket}) on the
 * containers where that works (Tomcat, Jetty): the path follows the servlet's mapping, and a refused
 * handshake is answered with the protocol's JSON error. Elsewhere the container upgrades the request
 * itself through the endpoint deployed by {@link WebSockets}, and this class only answers what
 * reaches the servlet anyway.
 */
public final class WsUpgrade {
    private WsUpgrade() {
    }

    public static void upgrade(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            throw new RealtimeException(ErrorCode.UPGRADE_REQUIRED, "this is the WebSocket endpoint: connect with a WebSocket client");
        }
        ServerContainer container = WebSockets.container(req.getServletContext()); // there is one: RealtimeServlet checked
        WsHandshake.checkHeaders(req);
        WsEndpoint endpoint = WsHandshake.prepare(engine, req); // refusals are HTTP errors, before the handshake
        ServerEndpointConfig config = ServerEndpointConfig.Builder
                .create(WsEndpoint.class, req.getServletPath() + req.getPathInfo())
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(endpoint);
                    }
                })
                .build();
        try {
            container.upgradeHttpToWebSocket(req, resp, config, Map.of());
        } catch (DeploymentException | IOException | RuntimeException e) {
            endpoint.abandon();
            throw new RealtimeException(ErrorCode.INVALID_HANDSHAKE, "the WebSocket handshake could not be completed");
        }
        if (resp.getStatus() >= HttpServletResponse.SC_BAD_REQUEST) {
            // the container refused the handshake itself: the slot goes back now, not at the 30 s reaper
            endpoint.abandon();
        }
    }
}
