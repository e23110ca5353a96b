package dev.realtime.bench.baseline;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Bare async SSE: writes {@code retry:} at once, then every message published to its channel ({@code ?channel=}) as one event. */
@WebServlet(urlPatterns = "/sse", asyncSupported = true)
public class BaselineSse extends HttpServlet {
    private static final byte[] RETRY = "retry: 3000\n\n".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/event-stream;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = resp.getOutputStream();
        Hub.SseClient client = new Hub.SseClient(async, out, Hub.channel(req.getParameter("channel")));
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                Hub.remove(client);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                Hub.remove(client);
            }

            @Override
            public void onError(AsyncEvent event) {
                Hub.remove(client);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        synchronized (client) {
            out.write(RETRY);
            out.flush();
        }
        Hub.add(client);
    }
}
