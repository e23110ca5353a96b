package dev.realtime.containers.cdi;

import dev.realtime.Message;
import dev.realtime.Realtime;
import dev.realtime.TicketRequest;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;

import java.io.IOException;
import java.util.Map;

/**
 * A servlet with realtime injected. {@code /inject}: publishes itself (no transaction: at once) and
 * through the EJB (held until its commit); {@code /tx}: a bean-managed transaction around an injected
 * publish, with markers published at once through the engine in the ServletContext before and after
 * the transaction ends, so a client sees where the held publish landed; {@code /ejb-rollback}: the
 * EJB publishes and rolls back; {@code /events}: what {@link Observed} saw.
 */
@WebServlet("/servlet/*")
public class CdiServlet extends HttpServlet {
    @Inject
    Realtime realtime;
    @EJB
    PublishingBean bean;
    @Inject
    Observed observed;
    @Resource
    UserTransaction transaction;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String channel = req.getParameter("channel");
        Realtime direct = (Realtime) getServletContext().getAttribute(Realtime.ATTRIBUTE);
        String body;
        try {
            switch (String.valueOf(req.getPathInfo())) {
                case "/inject" -> {
                    Message m = realtime.publish(channel, Map.of("via", "servlet"));
                    boolean held = bean.publish(channel, Map.of("via", "ejb"));
                    body = "{\"servlet\":\"" + m.id() + "\",\"ejbHeld\":" + held + "}";
                }
                case "/tx" -> {
                    transaction.begin();
                    boolean held = realtime.publish(channel, Map.of("step", "in-tx")) == null;
                    direct.publish(channel, Map.of("step", "before-end"));
                    if ("rollback".equals(req.getParameter("outcome"))) {
                        transaction.rollback();
                    } else {
                        transaction.commit();
                    }
                    direct.publish(channel, Map.of("step", "after-end"));
                    body = "{\"held\":" + held + "}";
                }
                case "/ejb-rollback" -> {
                    bean.publishThenRollBack(channel, Map.of("step", "in-tx"));
                    direct.publish(channel, Map.of("step", "after-end"));
                    body = "{}";
                }
                case "/ticket" -> body = "{\"ticket\":\"" + realtime.issueTicket(TicketRequest.forUser(req.getParameter("user"))) + "\"}";
                case "/events" -> body = "{\"lines\":[" + String.join(",", observed.lines().stream()
                        .map(l -> "\"" + l.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList()) + "]}";
                default -> {
                    resp.sendError(404);
                    return;
                }
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
        resp.setContentType("application/json");
        resp.getWriter().write(body);
    }
}
