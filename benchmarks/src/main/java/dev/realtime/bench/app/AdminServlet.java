package dev.realtime.bench.app;

import dev.realtime.internal.Engine;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The bench WAR's admin endpoint: {@code GET /admin/stats} reports the engine's live sessions,
 * {@code POST /admin/disconnect} calls {@link Engine#disconnectAll()} (the reconnect-storm scenario).
 */
@WebServlet(urlPatterns = {"/admin/stats", "/admin/disconnect"})
public class AdminServlet extends HttpServlet {
    private Engine engine() {
        return (Engine) getServletContext().getAttribute("dev.realtime.Realtime");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print("connections=" + engine().sessionCount());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        engine().disconnectAll();
        resp.setStatus(204);
    }
}
