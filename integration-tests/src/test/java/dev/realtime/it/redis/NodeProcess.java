package dev.realtime.it.redis;

import org.apache.catalina.startup.Tomcat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application node in a JVM of its own (embedded Tomcat, the test class path), so that a test
 * can kill it without warning, as {@code kill -9} does: no undeploy, no close frames, sockets reset
 * by the kernel. Its output goes to {@code node-<name>.log} in its base directory.
 */
final class NodeProcess {
    final String name;
    final URL base;
    private final Process process;

    private NodeProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        try {
            this.base = new URL("http://127.0.0.1:" + port + "/app/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    static NodeProcess start(String name, Path base, File war) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        File log = base.resolveSibling("node-" + name + ".log").toFile();
        Process process;
        try {
            base.toFile().mkdirs();
            process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), name, base.toString(), war.getAbsolutePath()))
                    .redirectError(log)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the child prints its port once the application is up; anything else before that is a failure
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                process.destroyForcibly();
                throw new IllegalStateException("node " + name + " did not start; see " + log);
            }
            return new NodeProcess(name, process, Integer.parseInt(line.substring(5).trim()));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the JVM ends at once, in the middle of whatever it was doing. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ") " + base;
    }

    /** The child JVM: starts the node, prints its port, and runs until killed or until its parent goes away. */
    public static final class Main {
        private Main() {
        }

        public static void main(String[] args) throws Exception {
            Tomcat tomcat = RedisNodes.startTomcat(args[0], Path.of(args[1]), new File(args[2]));
            System.out.println("PORT " + tomcat.getConnector().getLocalPort());
            System.out.close();
            // the parent holds our stdin: when it dies, so do we (no orphaned nodes after a crashed build)
            while (System.in.read() >= 0) {
                // nothing is sent
            }
            Runtime.getRuntime().halt(0);
        }
    }
}
