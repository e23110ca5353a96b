package dev.realtime.it.support;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Test-only: {@code POST /test/drop} drops every realtime connection, as a crash or a proxy would. */
@WebServlet("/test/drop")
public class DropServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Engine engine = (Engine) getServletContext().getAttribute(Realtime.ATTRIBUTE);
        // a long-poll between two requests is parked, not a connection, and is dropped too
        int sessions = engine.sessionCount() + engine.parkedPolls().size();
        engine.disconnectAll();
        resp.setContentType("text/plain");
        resp.getWriter().print(sessions);
    }
}
