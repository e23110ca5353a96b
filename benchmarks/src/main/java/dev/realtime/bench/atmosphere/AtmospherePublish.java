package dev.realtime.bench.atmosphere;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.atmosphere.cpr.Broadcaster;
import org.atmosphere.cpr.BroadcasterFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /publish} with a JSON body: wrapped in the same message object as the other targets deliver and
 * handed to the channel's {@link Broadcaster} ({@code broadcast} is asynchronous: Atmosphere's own threads
 * write to the subscribers); answered {@code 202} at once.
 */
@WebServlet(urlPatterns = "/publish")
public class AtmospherePublish extends HttpServlet {
    private final AtomicLong ids = new AtomicLong();

    static Broadcaster channel(HttpServletRequest req) throws ServletException {
        BroadcasterFactory f = (BroadcasterFactory) req.getServletContext().getAttribute(BroadcasterFactory.class.getName());
        if (f == null) {
            throw new ServletException("Atmosphere is not initialized");
        }
        return f.lookup(BenchChat.PATH, true);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        long id = ids.incrementAndGet();
        String json = "{\"channel\":\"bench\",\"id\":\"" + id + "\",\"event\":\"message\",\"data\":" + body
                + ",\"ts\":" + System.currentTimeMillis() + "}";
        channel(req).broadcast(json);
        resp.setStatus(202);
        resp.setContentType("application/json");
        resp.getWriter().print("{\"channel\":\"bench\",\"id\":\"" + id + "\"}");
    }
}
