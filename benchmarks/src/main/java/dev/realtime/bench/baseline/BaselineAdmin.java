package dev.realtime.bench.baseline;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET /admin/stats}: connections held; {@code POST /admin/disconnect}: drop them all. */
@WebServlet(urlPatterns = {"/admin/stats", "/admin/disconnect"})
public class BaselineAdmin extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getWriter().print("connections=" + (Hub.sockets.size() + Hub.streams.size() + Hub.waiters.size())
                + " ws=" + Hub.sockets.size() + " sse=" + Hub.streams.size() + " poll=" + Hub.waiters.size());
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Hub.disconnectAll();
        resp.setStatus(204);
    }
}
