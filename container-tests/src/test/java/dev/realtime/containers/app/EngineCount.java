package dev.realtime.containers.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * How many realtime engines this application runs, counted by their timer threads (one per engine,
 * named after the context path), and whether the engine was there during the application's start-up.
 */
@WebServlet("/probe/engines")
public class EngineCount extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String prefix = "realtime-timer" + req.getContextPath().replace('/', '-') + "-";
        long engines = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
        resp.setContentType("application/json");
        resp.getWriter().write("{\"engines\":" + engines + ",\"realtimeAtInit\":"
                + req.getServletContext().getAttribute("app.realtimeAtInit") + "}");
    }
}
