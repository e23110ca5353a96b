package dev.realtime.it.redis;

import dev.realtime.it.support.Deployments;
import dev.realtime.redis.RedisBusProvider;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Application nodes for the two-node tests: each is its own embedded Tomcat on its own port, running
 * the same exploded WAR (realtime jars, the Redis bus and Lettuce in WEB-INF/lib, as a user's WAR has
 * them) with {@code realtime.bus=redis}, all pointing at one Redis. The Arquillian adapter manages a
 * single container per class, so these tests start Tomcat themselves.
 */
final class RedisNodes implements AutoCloseable {
    /** Lettuce and what it needs at run time, taken from the test class path into WEB-INF/lib. */
    private static final List<String> CLIENT_JARS = List.of("lettuce-core-", "netty-", "reactor-core-",
            "reactive-streams-", "redis-authx-core-", "slf4j-api-");

    private final Path work;
    private final File webapp;
    /** Tomcat sets these JVM-wide on start; restored on close so later tests in this JVM do not inherit our directories. */
    private final String catalinaBase = System.getProperty("catalina.base");
    private final String catalinaHome = System.getProperty("catalina.home");

    RedisNodes(String redisUri, String prefix) {
        this(redisUri, prefix, Map.of());
    }

    /** With further context parameters for the application (e.g. {@code realtime.redis.nodeTimeout}). */
    RedisNodes(String redisUri, String prefix, Map<String, String> extra) {
        try {
            work = Files.createTempDirectory("realtime-two-nodes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> params = new java.util.HashMap<>(Map.of(
                "realtime.bus", "redis",
                "realtime.redis.uri", redisUri,
                "realtime.redis.prefix", prefix,
                "realtime.redis.timeout", "2000",
                "realtime.history.size", "1000"));
        params.putAll(extra);
        WebArchive war = Deployments.war("app", params)
                .addAsLibraries(Deployments.library(RedisBusProvider.class));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.endsWith(".jar") && CLIENT_JARS.stream().anyMatch(name::startsWith)) {
                war.addAsLibraries(new File(entry));
            }
        }
        // a packed WAR: the exploded exporter would also explode the jars inside WEB-INF/lib
        webapp = work.resolve("app.war").toFile();
        war.as(ZipExporter.class).exportTo(webapp, true);
    }

    /** Starts a node (Tomcat unpacks the WAR into the node's own directory); its URL is {@code http://127.0.0.1:<port>/app/}. */
    Node start(String name) {
        Tomcat tomcat = new Tomcat();
        Path base = work.resolve(name + "-" + System.nanoTime());
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
        Context context = tomcat.addWebapp("/app", webapp.getAbsolutePath());
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
        return new Node(name, tomcat, connector.getLocalPort());
    }

    /**
     * Starts a node in a JVM of its own ({@link NodeMain}), so a test can kill it as a crash kills a
     * server: no shutdown hook, no sign-off, connections dropped by the operating system.
     */
    ProcessNode startProcess(String name) {
        Path base = work.resolve(name + "-" + System.nanoTime());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
                base.toString(), webapp.getAbsolutePath()).redirectErrorStream(true);
        try {
            Process process = pb.start();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(NodeMain.READY)) {
                    int port = Integer.parseInt(line.substring(NodeMain.READY.length()).trim());
                    Thread drain = new Thread(() -> {
                        try {
                            while (out.readLine() != null) {
                                // the node's log: read so the pipe never fills
                            }
                        } catch (IOException e) {
                            // the node is gone
                        }
                    }, "node-" + name + "-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new ProcessNode(name, process, new URL("http://127.0.0.1:" + port + "/app/"));
                }
            }
            throw new IllegalStateException("node " + name + " ended before it was ready (exit " + process.waitFor() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A node in its own JVM. {@link #kill()} is SIGKILL; {@link #close()} kills it too if still running. */
    record ProcessNode(String name, Process process, URL base) implements AutoCloseable {
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    @Override
    public void close() {
        restore("catalina.base", catalinaBase);
        restore("catalina.home", catalinaHome);
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // best effort
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private static void stopQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            // already failing
        }
    }

    /** One running node. {@link #stop()} undeploys the application (closing its bus) and frees the port. */
    static final class Node implements AutoCloseable {
        final String name;
        final URL base;
        private final Tomcat tomcat;
        private boolean stopped;

        Node(String name, Tomcat tomcat, int port) {
            this.name = name;
            this.tomcat = tomcat;
            try {
                this.base = new URL("http://127.0.0.1:" + port + "/app/");
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized boolean isStopped() {
            return stopped;
        }

        synchronized void stop() {
            if (!stopped) {
                stopped = true;
                stopQuietly(tomcat);
            }
        }

        @Override
        public void close() {
            stop();
        }

        @Override
        public String toString() {
            return name + " " + base;
        }
    }
}
