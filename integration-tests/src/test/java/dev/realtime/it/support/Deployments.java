package dev.realtime.it.support;

import dev.realtime.internal.Engine;
import dev.realtime.protocol.JsonStrings;
import dev.realtime.servlet.RealtimeBootstrap;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Builds the WARs the tests deploy: the realtime jars in WEB-INF/lib (as a user's WAR has them, so
 * the web-fragment registers everything), a web.xml with the given context parameters, and
 * {@link DropServlet} at {@code /test/drop}.
 */
public final class Deployments {
    /** Tomcat need not scan the whole test class path (Selenium, Netty...) for fragments and TLDs: deploys in 2 s, not 10. */
    private static final String CONTEXT_XML = "<Context><JarScanner scanClassPath=\"false\"/></Context>";

    private Deployments() {
    }

    public static WebArchive war(String name, Map<String, String> params) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                """);
        params.forEach((k, v) -> xml.append("  <context-param><param-name>").append(k)
                .append("</param-name><param-value>").append(v).append("</param-value></context-param>\n"));
        xml.append("</web-app>\n");
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addAsLibraries(library(RealtimeBootstrap.class), library(Engine.class), library(JsonStrings.class))
                .addClass(DropServlet.class)
                .addAsManifestResource(new StringAsset(CONTEXT_XML), "context.xml")
                .setWebXML(new StringAsset(xml.toString()));
    }

    /** The chat sample WAR as the build made it (its pages, web.xml, classes and libraries), plus the test-only drop servlet. */
    public static WebArchive sample() {
        File war = new File(System.getProperty("sample.war", "../sample-war/target/sample.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("build the sample first (./mvnw -B package -pl sample-war -am): " + war + " is missing");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war).addClass(DropServlet.class)
                .addAsManifestResource(new StringAsset(CONTEXT_XML), "context.xml");
    }

    /** The jar (or, in an IDE, the classes directory) that holds {@code type}. */
    public static JavaArchive library(Class<?> type) {
        try {
            File location = new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (location.isFile()) {
                return ShrinkWrap.createFromZipFile(JavaArchive.class, location);
            }
            return ShrinkWrap.create(JavaArchive.class, location.getParentFile().getParentFile().getName() + ".jar")
                    .as(ExplodedImporter.class).importDirectory(location).as(JavaArchive.class);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
