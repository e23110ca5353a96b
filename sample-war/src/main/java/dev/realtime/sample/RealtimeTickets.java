package dev.realtime.sample;

import dev.realtime.Realtime;
import dev.realtime.TicketRequest;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * {@code POST api/realtime-ticket}: a connection ticket for the signed-in user (README, "Browser
 * authentication"). The page's client calls it to connect and again before its credential expires;
 * the authorizer then sees this user (room:members is for signed-in users only) and
 * {@link SignedNicks} keeps a signed-in user from posting under another name.
 */
@WebServlet("/api/realtime-ticket")
public class RealtimeTickets extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = SignIn.user(req);
        if (user == null) {
            resp.sendError(HttpServletResponse.SC_UNAUTHORIZED, "sign in first");
            return;
        }
        if (!sameOrigin(req)) { // the session cookie rides along with any site's request: this one must be ours
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "cross-origin ticket request");
            return;
        }
        Realtime realtime = (Realtime) getServletContext().getAttribute(Realtime.ATTRIBUTE);
        String ticket = realtime.issueTicket(TicketRequest.forUser(user).credentialFor(Duration.ofMinutes(15)));
        resp.setContentType("text/plain");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(ticket);
    }

    /** No Origin (not a browser's cross-site request) or the page's own origin. */
    static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI o = URI.create(origin);
            String host = req.getHeader("Host");
            int port = o.getPort() >= 0 ? o.getPort() : ("https".equals(o.getScheme()) ? 443 : 80);
            return host != null && (host.equalsIgnoreCase(o.getHost() + ":" + port)
                    || (host.equalsIgnoreCase(o.getHost()) && (port == 80 || port == 443)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
