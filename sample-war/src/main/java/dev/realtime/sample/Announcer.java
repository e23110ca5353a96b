package dev.realtime.sample;

import dev.realtime.Realtime;
import dev.realtime.RealtimeException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Application code publishing without HTTP: posts to the read-only announcements room through the
 * {@link Realtime} API, once at start and then every few minutes. Its thread stops with the application.
 */
@WebListener
public class Announcer implements ServletContextListener {
    private static final System.Logger LOG = System.getLogger(Announcer.class.getName());
    private ScheduledExecutorService timer;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sample-announcer");
            t.setDaemon(true);
            return t;
        });
        // realtime starts after this listener (web.xml listeners come before fragments), and a Redis bus may take
        // a moment to connect: try the welcome every second until it is posted
        AtomicBoolean welcomed = new AtomicBoolean();
        timer.scheduleWithFixedDelay(() -> {
            if (!welcomed.get() && post(ctx, "Welcome! This room is read-only: only the server posts here.")) {
                welcomed.set(true);
            }
        }, 1, 1, TimeUnit.SECONDS);
        timer.scheduleAtFixedRate(() -> post(ctx, "Server time is " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm"))),
                5, 5, TimeUnit.MINUTES);
    }

    private static boolean post(ServletContext ctx, String text) {
        Object realtime = ctx.getAttribute(Realtime.ATTRIBUTE);
        if (realtime instanceof Realtime r) {
            try {
                r.publish(ReadOnlyAnnouncements.CHANNEL, Map.of("nick", "server", "text", text));
                return true;
            } catch (RealtimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "announcement not posted: " + e.getMessage());
            }
        }
        return false;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
