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
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Application nodes for the two-node tests: each is its own embedded Tomcat on its own port, running
 * the same WAR (realtime jars, the Redis bus and Lettuce in WEB-INF/lib, as a user's WAR has them)
 * with {@code realtime.bus=redis}, pointing at one Redis (or each at its own fault proxy in front of
 * it). The Arquillian adapter manages a single container per class, so these tests start Tomcat
 * themselves; a node that a test kills with SIGKILL runs in a JVM of its own ({@link NodeProcess}).
 */
final class RedisNodes implements AutoCloseable {
    /** Lettuce and what it needs at run time, taken from the test class path into WEB-INF/lib. */
    /** {@code realtime.redis.timeout} of every node: a command (publish, read) fails after this long. */
    static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> CLIENT_JARS = List.of("lettuce-core-", "netty-", "reactor-core-",
            "reactive-streams-", "redis-authx-core-", "slf4j-api-");

    private final Path work;
    private final String defaultRedisUri;
    private final String prefix;
    /** Further context parameters of every node. */
    private final Map<String, String> extra;
    /** One packed WAR per Redis URI (a node behind a fault proxy has its own). */
    private final Map<String, File> wars = new ConcurrentHashMap<>();
    private final List<NodeProcess> processes = new CopyOnWriteArrayList<>();
    /** Tomcat sets these JVM-wide on start; restored on close so later tests in this JVM do not inherit our directories. */
    private final String catalinaBase = System.getProperty("catalina.base");
    private final String catalinaHome = System.getProperty("catalina.home");

    RedisNodes(String redisUri, String prefix) {
        this(redisUri, prefix, Map.of());
    }

    RedisNodes(String redisUri, String prefix, Map<String, String> extra) {
        this.defaultRedisUri = redisUri;
        this.prefix = prefix;
        this.extra = extra;
        try {
            work = Files.createTempDirectory("realtime-two-nodes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The application as a packed WAR (the exploded exporter would also explode the jars inside WEB-INF/lib). */
    private File war(String redisUri) {
        return wars.computeIfAbsent(redisUri, uri -> {
            Map<String, String> params = new java.util.HashMap<>(extra);
            params.putAll(Map.of(
                    "realtime.bus", "redis",
                    "realtime.redis.uri", uri,
                    "realtime.redis.prefix", prefix,
                    "realtime.redis.timeout", Long.toString(REDIS_TIMEOUT.toMillis()),
                    "realtime.history.size", "1000"));
            WebArchive war = Deployments.war("app", params)
                    .addAsLibraries(Deployments.library(RedisBusProvider.class));
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                String name = new File(entry).getName();
                if (name.endsWith(".jar") && CLIENT_JARS.stream().anyMatch(name::startsWith)) {
                    war.addAsLibraries(new File(entry));
                }
            }
            File file = work.resolve("app-" + wars.size() + ".war").toFile();
            war.as(ZipExporter.class).exportTo(file, true);
            return file;
        });
    }

    /** Starts a node on the Redis given at construction. */
    Node start(String name) {
        return start(name, defaultRedisUri);
    }

    /** Starts a node in this JVM (Tomcat unpacks the WAR into the node's own directory); its URL is {@code http://127.0.0.1:<port>/app/}. */
    Node start(String name, String redisUri) {
        Path base = work.resolve(name + "-" + System.nanoTime());
        Tomcat tomcat = startTomcat(name, base, war(redisUri));
        return new Node(name, tomcat, tomcat.getConnector().getLocalPort());
    }

    /** Starts a node in a JVM of its own, so that a test can kill it as {@code kill -9} would. */
    NodeProcess startProcess(String name, String redisUri) {
        Path base = work.resolve(name + "-" + System.nanoTime());
        NodeProcess node = NodeProcess.start(name, base, war(redisUri));
        processes.add(node);
        return node;
    }

    /** Tomcat on a free loopback port with {@code war} at {@code /app}, started; fails when the application did not start. */
    static Tomcat startTomcat(String name, Path base, File war) {
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

    @Override
    public void close() {
        processes.forEach(NodeProcess::kill);
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

    static void stopQuietly(Tomcat tomcat) {
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
