package dev.realtime.it.abuse;

import dev.realtime.Realtime;
import dev.realtime.internal.Engine;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Set;

/**
 * Test-only, packed into the WARs of this package: {@code GET /test/abuse/sessions} answers the
 * engine's live session count; with {@code ?track} it also hands the web application's class loader
 * to {@link LoaderRefs}, which keeps only a weak reference to it; with {@code ?list} it answers one
 * line per live session (transport, channels, state), for diagnosing a count that is off.
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
        if (req.getParameter("list") != null) {
            list(engine, resp.getWriter());
            return;
        }
        resp.getWriter().print(engine.sessionCount());
    }

    /** The engine keeps its sessions and their transports private: read them reflectively, for tests only. */
    private static void list(Engine engine, PrintWriter out) {
        try {
            Field f = Engine.class.getDeclaredField("sessions");
            f.setAccessible(true);
            Method transport = null;
            for (Object s : ((Set<?>) f.get(engine)).toArray()) {
                if (transport == null) {
                    transport = s.getClass().getDeclaredMethod("transport");
                    transport.setAccessible(true);
                }
                Method channels = s.getClass().getMethod("channels");
                out.println(transport.invoke(s) + " " + channels.invoke(s) + " " + s);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
