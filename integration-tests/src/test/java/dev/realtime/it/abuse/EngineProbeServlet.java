package dev.realtime.it.abuse;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Test-only, packed into the WARs of this package: {@code GET /test/abuse/sessions} answers the
 * engine's live session count; with {@code ?track} it also hands the web application's class loader
 * to {@link LoaderRefs}, which keeps only a weak reference to it.
 */
@WebServlet("/test/abuse/sessions")
public class EngineProbeServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getParameter("track") != null) {
            LoaderRefs.track(getClass().getClassLoader());
        }
        Engine engine = (Engine) getServletContext().getAttribute(Realtime.ATTRIBUTE);
        resp.setContentType("text/plain");
        resp.getWriter().print(engine.sessionCount());
    }
}
