package dev.realtime.servlet.internal;

import dev.realtime.internal.Engine;
import dev.realtime.internal.Settings;
import dev.realtime.servlet.RealtimeServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.server.ServerContainer;

import java.util.ArrayList;
import java.util.List;

/** The one INFO line an application logs when realtime has started: the effective configuration. */
public final class StartupSummary {
    private StartupSummary() {
    }

    public static String of(ServletContext ctx, Engine engine) {
        Settings s = engine.settings();
        List<String> mappings = new ArrayList<>();
        for (ServletRegistration r : ctx.getServletRegistrations().values()) {
            if (RealtimeServlet.class.getName().equals(r.getClassName())) {
                r.getMappings().forEach(m -> mappings.add(ctx.getContextPath() + m.replaceAll("/\\*$", "")));
            }
        }
        return "realtime started in " + (ctx.getContextPath().isEmpty() ? "/" : ctx.getContextPath())
                + ": bus " + engine.busName() + ", epoch " + engine.bus().epoch() + " (" + engine.busReason() + ")"
                + "; endpoints " + (mappings.isEmpty() ? "none mapped" : String.join(", ", mappings))
                + " {poll,sse,ws,publish" + (s.healthEnabled ? ",health" : "") + "}"
                + "; WebSocket " + webSocket(ctx)
                + "; limits " + s.connectionsMax + " connections (" + s.connectionsPerAddress + " per address), "
                + s.channelsMax + " channels each, queue " + s.queueMaxMessages + " messages/" + s.queueMaxBytes + " bytes ("
                + s.queuePolicy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "), messages up to "
                + s.messageMaxSize + " bytes, " + s.publishRate + " publishes/s per address"
                + "; history " + s.historySize + " messages, " + s.historyAge.toSeconds() + " s"
                + "; " + engine.exposure().describe();
    }

    private static String webSocket(ServletContext ctx) {
        try {
            ServerContainer c = WebSockets.container(ctx);
            if (c == null) {
                return "not offered by the container";
            }
            return WebSockets.servletUpgradeWorks(c) ? "upgraded by the servlet" : "endpoint deployed with the container";
        } catch (NoClassDefFoundError e) {
            return "not offered by the container";
        }
    }
}
