package dev.realtime.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A stand-in for your application's real login (form, OIDC, a JWT filter...): {@code POST
 * api/session?nick=ann} signs the browser in as "ann" (no password: it is a demo), {@code GET} says
 * who is signed in, {@code DELETE} signs out. The session cookie is all it sets; what realtime gets
 * is a connection ticket from {@link RealtimeTickets}, never this cookie or a long-lived token.
 */
@WebServlet("/api/session")
public class SignIn extends HttpServlet {
    static final String USER = "sample.user";
    private static final Pattern NICK = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    static String user(HttpServletRequest req) {
        HttpSession session = req.getSession(false);
        return session == null ? null : (String) session.getAttribute(USER);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = user(req);
        json(resp, user == null ? "{\"user\":null}" : "{\"user\":\"" + user + "\"}");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String nick = req.getParameter("nick");
        if (nick == null || !NICK.matcher(nick).matches() || !RealtimeTickets.sameOrigin(req)) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "a nick of 1-32 letters, digits, _ . or -");
            return;
        }
        HttpSession session = req.getSession();
        req.changeSessionId(); // a new session id at sign-in, as a real login does
        session.setAttribute(USER, nick);
        json(resp, "{\"user\":\"" + nick + "\"}");
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession session = req.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        json(resp, "{\"user\":null}");
    }

    private static void json(HttpServletResponse resp, String body) throws IOException {
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(body);
    }
}
