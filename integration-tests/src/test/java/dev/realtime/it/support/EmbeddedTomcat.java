package dev.realtime.it.support;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tomcat started by a test itself, on a free loopback port, with one WAR at {@code /app}: for tests
 * that need more than the single container per class the Arquillian adapter manages (several nodes,
 * a node stopped or killed while clients are connected).
 */
public final class EmbeddedTomcat {
    private EmbeddedTomcat() {
    }

    /** Starts Tomcat in {@code base} with {@code war} at {@code /app}; fails when the application did not start. */
    public static Tomcat start(String name, Path base, File war) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        try {
            Files.createDirectories(base.resolve("webapps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addWebapp("/app", war.getAbsolutePath());
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("node " + name + " did not start", e);
        }
        if (context.getState() != LifecycleState.STARTED) {
            stopQuietly(tomcat);
            throw new IllegalStateException("node " + name + ": the web application did not start (" + context.getState()
                    + "); see the log above");
        }
        return tomcat;
    }

    /** The application's URL, {@code http://127.0.0.1:<port>/app/}. */
    public static java.net.URL base(Tomcat tomcat) {
        try {
            return new java.net.URL("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void stopQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            // already failing
        }
    }
}
