package dev.realtime.containers;

import dev.realtime.containers.app.AppStartup;
import dev.realtime.containers.app.EngineCount;
import dev.realtime.containers.app.LiveSocket;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ByteArrayAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The test applications deployed next to the sample, each with the libraries exactly as the sample
 * WAR carries them in WEB-INF/lib (so the jar's web-fragment registers realtime, as for a user).
 */
final class TestApps {
    static final Path SAMPLE = Path.of(System.getProperty("sample.war", "../sample-war/target/sample.war")).toAbsolutePath();
    private static final Path DIR = Path.of("target", "apps").toAbsolutePath();

    private TestApps() {
    }

    /**
     * At {@code /app}: an application's own {@code @ServerEndpoint} ({@link LiveSocket}), and realtime
     * started three ways at once: by the application's own listener ({@link AppStartup}), by
     * {@code RealtimeBootstrap} declared in web.xml, and by the jar's web-fragment.
     */
    static App endpointApp() {
        WebArchive war = withSampleLibraries("app.war")
                .addClasses(LiveSocket.class, LiveSocket.Checks.class, AppStartup.class, EngineCount.class)
                .setWebXML(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <!-- a small outbound queue, so a reader that stops overflows it soon -->
                          <context-param><param-name>realtime.queue.maxBytes</param-name><param-value>1048576</param-value></context-param>
                          <listener><listener-class>dev.realtime.containers.app.AppStartup</listener-class></listener>
                          <listener><listener-class>dev.realtime.servlet.RealtimeBootstrap</listener-class></listener>
                        </web-app>
                        """));
        return new App("/app", export(war));
    }

    /** The Jakarta EE sample as built, deployed unchanged. */
    static final Path SAMPLE_EE = Path.of(System.getProperty("sample-ee.war", "../sample-ee/target/sample-ee.war")).toAbsolutePath();

    /** realtime-cdi as built (the reactor packages it before this module's integration tests). */
    static final Path CDI_JAR = Path.of(System.getProperty("cdi.jar", "../realtime-cdi/target/realtime-cdi-0.1.0-SNAPSHOT.jar")).toAbsolutePath();

    /**
     * At {@code /cdi}: the sample's libraries and realtime-cdi, and beans with {@code @Inject Realtime}
     * (a JAX-RS resource, an EJB, a servlet) and observers of every realtime event. No web.xml, no producer.
     */
    static App cdiApp() {
        return cdiApp("/cdi");
    }

    /** The same application at another context: each gets its own engine injected. */
    static App cdiApp(String context) {
        WebArchive war = withSampleLibraries(context.substring(1) + ".war")
                .addAsLibrary(CDI_JAR.toFile(), "realtime-cdi.jar")
                .addPackage(dev.realtime.containers.cdi.CdiServlet.class.getPackage())
                .deleteClass(dev.realtime.containers.cdi.NoCdiProbe.class);
        return new App(context, export(war));
    }

    /** At {@code /nocdi}, for containers without CDI: the sample's libraries, realtime-cdi and a probe servlet. */
    static App noCdiApp() {
        WebArchive war = withSampleLibraries("nocdi.war")
                .addAsLibrary(CDI_JAR.toFile(), "realtime-cdi.jar")
                .addClass(dev.realtime.containers.cdi.NoCdiProbe.class);
        return new App("/nocdi", export(war));
    }

    /** Lettuce and what it needs at run time, taken from the test class path (as integration-tests' RedisNodes does). */
    private static final List<String> REDIS_CLIENT_JARS = List.of("lettuce-core-", "netty-", "reactor-core-",
            "reactive-streams-", "redis-authx-core-", "slf4j-api-");

    /**
     * At {@code context}: the sample's libraries, realtime-cdi (so its readiness check), and the Redis
     * bus with Lettuce in WEB-INF/lib, on the Redis at {@code redisUri}. No classes of its own.
     */
    static App redisReadinessApp(String context, String redisUri, java.time.Duration busTimeout) {
        WebArchive war = withSampleLibraries(context.substring(1) + ".war")
                .addAsLibrary(CDI_JAR.toFile(), "realtime-cdi.jar")
                .addAsLibrary(jarOf(dev.realtime.redis.RedisBusProvider.class), "realtime-redis.jar")
                .setWebXML(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <context-param><param-name>realtime.bus</param-name><param-value>redis</param-value></context-param>
                          <context-param><param-name>realtime.redis.uri</param-name><param-value>%s</param-value></context-param>
                          <context-param><param-name>realtime.redis.prefix</param-name><param-value>ready%d:</param-value></context-param>
                          <context-param><param-name>realtime.redis.timeout</param-name><param-value>%d</param-value></context-param>
                        </web-app>
                        """.formatted(redisUri, System.nanoTime() % 1_000_000, busTimeout.toMillis())));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.endsWith(".jar") && REDIS_CLIENT_JARS.stream().anyMatch(name::startsWith)) {
                war.addAsLibraries(new File(entry));
            }
        }
        return new App(context, export(war));
    }

    /** The jar a class was loaded from (the reactor gives the packaged jar to this module's integration tests). */
    private static File jarOf(Class<?> type) {
        try {
            File location = new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!location.isFile()) {
                throw new IllegalStateException(type.getName() + " comes from " + location + ", not a jar: run the build's package phase first");
            }
            return location;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static WebArchive withSampleLibraries(String name) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name);
        try (ZipFile sample = new ZipFile(SAMPLE.toFile())) {
            for (ZipEntry e : java.util.Collections.list(sample.entries())) {
                if (e.getName().startsWith("WEB-INF/lib/") && e.getName().endsWith(".jar")) {
                    war.add(new ByteArrayAsset(sample.getInputStream(e).readAllBytes()), e.getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample WAR " + SAMPLE + " (build it: ./mvnw -B package -pl sample-war -am)", e);
        }
        return war;
    }

    static Path export(WebArchive war) {
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path file = DIR.resolve(war.getName());
        war.as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }
}
