package dev.realtime.bench.atmosphere;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.atmosphere.cpr.AtmosphereResource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code GET /admin/stats}: resources subscribed to the channel (suspended WebSocket, SSE and long-poll
 * connections); {@code POST /admin/disconnect}: close them all ({@code AtmosphereResource.close()}).
 */
@WebServlet(urlPatterns = {"/admin/stats", "/admin/disconnect"})
public class AtmosphereAdmin extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        Map<AtmosphereResource.TRANSPORT, Integer> by = new EnumMap<>(AtmosphereResource.TRANSPORT.class);
        int n = 0;
        for (AtmosphereResource r : AtmospherePublish.channel(req).getAtmosphereResources()) {
            by.merge(r.transport(), 1, Integer::sum);
            n++;
        }
        resp.setContentType("text/plain");
        resp.getWriter().print("connections=" + n + " ws=" + by.getOrDefault(AtmosphereResource.TRANSPORT.WEBSOCKET, 0)
                + " sse=" + by.getOrDefault(AtmosphereResource.TRANSPORT.SSE, 0)
                + " poll=" + by.getOrDefault(AtmosphereResource.TRANSPORT.LONG_POLLING, 0));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        for (AtmosphereResource r : new ArrayList<>(AtmospherePublish.channel(req).getAtmosphereResources())) {
            try {
                r.close();
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        }
        resp.setStatus(204);
    }
}
