package dev.realtime.bench.baseline;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code POST /publish?channel=<name>} with a JSON body: broadcast to the channel on the request thread, then {@code 202}. */
@WebServlet(urlPatterns = "/publish")
public class BaselinePublish extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Hub.Channel ch = Hub.channel(req.getParameter("channel"));
        long id = Hub.publish(ch, body);
        resp.setStatus(202);
        resp.setContentType("application/json");
        resp.getWriter().print("{\"channel\":\"" + ch.name + "\",\"id\":\"" + id + "\"}");
    }
}
