package dev.realtime.bench.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server JVM of a benchmark run: Tomcat 11 (embedded, 11.0.27) serving one WAR, plus a tiny
 * {@code /_bench/heap} endpoint that runs a full GC and reports the heap in use, so heap per connection
 * is measured the same way for the baseline and the library.
 *
 * <p>Usage: {@code BenchServer <port> <contextPath> <war> [maxConnections] [maxThreads]}. Its class path
 * holds only Tomcat (target/server-lib) and this class; the WAR brings its own libraries.
 */
public final class BenchServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String contextPath = args[1];
        String war = new File(args[2]).getAbsolutePath();
        int maxConnections = args.length > 3 ? Integer.parseInt(args[3]) : 12_000;
        int maxThreads = args.length > 4 ? Integer.parseInt(args[4]) : 200;

        Path base = Files.createTempDirectory("bench-tomcat");
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        Connector connector = tomcat.getConnector();
        // what a user sets in server.xml for ~10k long-lived connections (the NIO default is 8192)
        connector.setProperty("maxConnections", Integer.toString(maxConnections));
        connector.setProperty("maxThreads", Integer.toString(maxThreads));
        connector.setProperty("acceptCount", "1000");
        connector.setProperty("maxKeepAliveRequests", "-1");
        connector.setProperty("keepAliveTimeout", "120000");
        connector.setProperty("connectionTimeout", "60000");
        // tuning experiments (BENCHMARKS.md, "Memory per connection"): -Dbench.connector.<property>=<value>
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.connector.")) {
                String property = name.substring("bench.connector.".length());
                if (!connector.setProperty(property, System.getProperty(name))) {
                    throw new IllegalArgumentException("the connector has no property " + property);
                }
            }
        }

        Context app = tomcat.addWebapp(contextPath, war);
        // the WAR alone decides what is deployed: do not scan this JVM's class path for fragments
        ((StandardJarScanner) app.getJarScanner()).setScanClassPath(false);

        Context admin = tomcat.addContext("/_bench", base.toString());
        Tomcat.addServlet(admin, "heap", new HeapServlet());
        admin.addServletMappingDecoded("/heap", "heap");

        tomcat.start();
        System.out.println("BENCH-SERVER-READY pid=" + ProcessHandle.current().pid() + " port=" + port + " context=" + contextPath);
        System.out.flush();
        tomcat.getServer().await();
    }

    /** GET: full GC (twice), then {@code used=<bytes> committed=<bytes> threads=<n>}. */
    static final class HeapServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Runtime rt = Runtime.getRuntime();
            for (int i = 0; i < 3; i++) {
                System.gc();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long used = rt.totalMemory() - rt.freeMemory();
            resp.setContentType("text/plain");
            resp.getWriter().print("used=" + used + " committed=" + rt.totalMemory() + " threads="
                    + ManagementFactory.getThreadMXBean().getThreadCount());
        }
    }
}
