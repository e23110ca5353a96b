package dev.realtime.servlet.internal;

import dev.realtime.servlet.RealtimeEndpoint;
import jakarta.servlet.ServletContext;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.Collection;
import java.util.List;

/**
 * Chooses, once per application, how {@code <base>/ws} is upgraded (docs/architecture.md, "WebSocket
 * upgrade"): from the servlet on Tomcat and Jetty, whose {@code upgradeHttpToWebSocket} takes a
 * per-connection endpoint and lets a refusal be answered with JSON; everywhere else a
 * {@link RealtimeEndpoint} deployed with {@code addEndpoint} at each {@code <mapping>/ws}, the one
 * way every WebSocket 2.1 container honours (Tyrus ignores the servlet-side upgrade of an endpoint
 * it has not deployed).
 */
public final class WebSockets {
    private static final System.Logger LOG = System.getLogger(WebSockets.class.getName());
    /** Containers whose servlet-side upgrade is known to work with a per-connection endpoint. */
    private static final List<String> SERVLET_UPGRADE = List.of("org.apache.tomcat.", "org.eclipse.jetty.");

    private WebSockets() {
    }

    public static ServerContainer container(ServletContext ctx) {
        return ctx.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer c ? c : null;
    }

    /** Sets WebSocket up for the servlet mappings given ({@code /realtime/*} and the like) in a container that offers it. */
    public static void install(ServletContext ctx, Collection<String> mappings) {
        ServerContainer container = container(ctx);
        ctx.addListener(UpgradeRequests.class); // the configurators' view of the upgrade request
        if (servletUpgradeWorks(container)) {
            return;
        }
        for (String mapping : mappings) {
            String path = mapping.replaceAll("/\\*$", "") + "/ws";
            try {
                container.addEndpoint(ServerEndpointConfig.Builder.create(RealtimeEndpoint.class, path)
                        .configurator(new RealtimeEndpoint.Configurator()).build());
                LOG.log(System.Logger.Level.INFO, "WebSocket endpoint deployed at " + ctx.getContextPath() + path
                        + " (" + container.getClass().getName() + ")");
            } catch (DeploymentException e) {
                LOG.log(System.Logger.Level.WARNING, "could not deploy the WebSocket endpoint at " + path
                        + ": clients fall back to SSE and long-polling (" + e.getMessage() + ")");
            }
        }
    }

    public static boolean servletUpgradeWorks(ServerContainer container) {
        String type = container.getClass().getName();
        return SERVLET_UPGRADE.stream().anyMatch(type::startsWith);
    }
}
