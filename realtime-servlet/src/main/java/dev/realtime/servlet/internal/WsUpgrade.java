package dev.realtime.servlet.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Since;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Upgrades {@code <base>/ws} from the servlet (WebSocket 2.1's {@code upgradeHttpToWebSocket}) rather
 * than through a fixed {@code @ServerEndpoint} path: the path follows {@code realtime.basePath}, and
 * a bad request is refused with the protocol's JSON error before the handshake.
 */
public final class WsUpgrade {
    private WsUpgrade() {
    }

    public static void upgrade(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            throw new RealtimeException(ErrorCode.UPGRADE_REQUIRED, "this is the WebSocket endpoint: connect with a WebSocket client");
        }
        List<String> channels = Requests.channels(req, false, engine.settings().channelsMax);
        Since since = Requests.since(req.getParameter("since"));
        if (engine.isClosing()) {
            throw new RealtimeException(ErrorCode.SHUTTING_DOWN, "the server is shutting down; retry shortly");
        }
        ServerContainer container = (ServerContainer) req.getServletContext().getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new RealtimeException(ErrorCode.NOT_FOUND, "this container offers no WebSocket support; use sse or poll");
        }
        ChannelAccess access = engine.access(new ServletAccessRequest(req, "websocket"));
        for (String channel : channels) {
            if (!access.maySubscribe(channel)) {
                throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not subscribe to " + channel);
            }
        }
        WsEndpoint endpoint = new WsEndpoint(engine, channels, since, req.getUserPrincipal(), req.getRemoteAddr());
        endpoint.open(access); // connection limits are checked before the handshake, so refusals are HTTP errors
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
        } catch (DeploymentException e) {
            endpoint.abandon();
            throw new IOException("WebSocket upgrade failed", e);
        } catch (IOException | RuntimeException e) {
            endpoint.abandon();
            throw e;
        }
    }
}
