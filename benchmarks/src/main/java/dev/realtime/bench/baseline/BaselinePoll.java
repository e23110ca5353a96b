package dev.realtime.bench.baseline;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Bare async long-poll: {@code GET /poll?channel=<name>&since=<id>&timeout=<ms>}, answered at once if newer messages exist. */
@WebServlet(urlPatterns = "/poll", asyncSupported = true)
public class BaselinePoll extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        Hub.Channel ch = Hub.channel(req.getParameter("channel"));
        String s = req.getParameter("since");
        long since = s == null || s.isEmpty() ? Hub.head(ch) : Long.parseLong(s);
        String t = req.getParameter("timeout");
        long timeout = t == null ? 25_000 : Long.parseLong(t);
        AsyncContext async = req.startAsync();
        async.setTimeout(Math.max(1, timeout));
        Hub.Waiter w = new Hub.Waiter(async, since, ch);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                Hub.remove(w);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                Hub.answer(w, false);
            }

            @Override
            public void onError(AsyncEvent event) {
                Hub.remove(w);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        Hub.add(w);
        if (timeout == 0 || Hub.head(ch) > since) { // re-check after registering: no publish slips between
            Hub.answer(w, false);
        }
    }
}
