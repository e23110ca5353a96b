package dev.realtime.it.support;

import dev.realtime.Realtime;
import dev.realtime.TicketRequest;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;

/**
 * Test-only: {@code POST /test/ticket?user=ann&role=vip&channel=room:*&validMs=..&credentialMs=..}
 * issues a ticket for whoever asks (a real application issues one for the user its security
 * authenticated; see README, "Browser authentication").
 */
@WebServlet("/test/ticket")
public class TicketServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Realtime realtime = (Realtime) getServletContext().getAttribute(Realtime.ATTRIBUTE);
        TicketRequest t = TicketRequest.forUser(req.getParameter("user"));
        if (req.getParameterValues("role") != null) {
            t = t.withRoles(req.getParameterValues("role"));
        }
        if (req.getParameterValues("channel") != null) {
            t = t.withChannels(req.getParameterValues("channel"));
        }
        if (req.getParameter("validMs") != null) {
            t = t.validFor(Duration.ofMillis(Long.parseLong(req.getParameter("validMs"))));
        }
        if (req.getParameter("credentialMs") != null) {
            t = t.credentialFor(Duration.ofMillis(Long.parseLong(req.getParameter("credentialMs"))));
        }
        resp.setContentType("text/plain");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().print(realtime.issueTicket(t));
    }
}
