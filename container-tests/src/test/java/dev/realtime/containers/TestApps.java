package dev.realtime.containers;

import dev.realtime.containers.app.AppStartup;
import dev.realtime.containers.app.EngineCount;
import dev.realtime.containers.app.LiveSocket;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ByteArrayAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
