package dev.realtime.containers.app;

import dev.realtime.Realtime;
import dev.realtime.servlet.RealtimeBootstrap;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An application listener that starts realtime itself, because it needs the engine during its own
 * start-up (web.xml's listeners run before the jar's web-fragment listener). The jar's listener, and
 * the {@code RealtimeBootstrap} this application also declares in web.xml, must then do nothing.
 *
 * <p>Declared first, it is destroyed last: it then reports to the matrix (a file in
 * {@code $REALTIME_TEST_REPORTS}) how many of the application's realtime threads are still alive,
 * since servers stop logging while they shut down.
 */
public class AppStartup implements ServletContextListener {
    private final RealtimeBootstrap realtime = new RealtimeBootstrap();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        realtime.contextInitialized(event);
        event.getServletContext().setAttribute("app.realtimeAtInit", event.getServletContext().getAttribute(Realtime.ATTRIBUTE) != null);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        realtime.contextDestroyed(event);
        String name = event.getServletContext().getContextPath().replace('/', '-');
        long alive = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("realtime-timer" + name + "-") || t.getName().startsWith("realtime-io" + name + "-"))
                .count();
        String dir = System.getenv("REALTIME_TEST_REPORTS");
        if (dir != null) {
            try {
                Files.writeString(Path.of(dir, "app-stopped.txt"), "threads=" + alive);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
