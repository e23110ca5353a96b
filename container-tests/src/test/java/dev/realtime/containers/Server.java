package dev.realtime.containers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One server from its own distribution: unpacked under {@code target/servers/<name>}, started as a
 * process with the sample WAR at the root context on a free port, its console kept in a log file.
 */
abstract class Server {
    final String name;
    final Path artifacts = Path.of(System.getProperty("servers.dir", "target/server-artifacts"));
    final Path home;
    int port;
    private Process process;

    Server(String name) {
        this.name = name;
        this.home = Path.of("target", "servers", name).toAbsolutePath();
    }

    /** Unpacks the distribution (once), deploys the WAR, and returns the command that runs the server in the foreground. */
    abstract List<String> prepare(Path war) throws IOException, InterruptedException;

    /** How long start-up may take on a loaded 2-core machine. */
    Duration startTimeout() {
        return Duration.ofSeconds(180);
    }

    Path log() {
        return home.resolve("console.log");
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void start(Path war) throws IOException, InterruptedException {
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("the sample WAR is missing: " + war + " (build it: ./mvnw -B package -pl sample-war -am)");
        }
        Files.createDirectories(home);
        port = freePort();
        List<String> command = prepare(war);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = pb.start();
        awaitReady();
    }

    /** Ready when the sample's JavaScript client is served: the application and realtime are up. */
    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long end = System.nanoTime() + startTimeout().toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start-up; its log:\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base().resolve("/realtime/realtime.js"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " did not serve /realtime/realtime.js within " + startTimeout().toSeconds()
                + " s; its log:\n" + tail());
    }

    /** Stops the server the way an operator would (SIGTERM), then waits for it. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM");
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Every log line the server wrote, console and its own log files. */
    List<String> logLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path p : logFiles()) {
            if (Files.isRegularFile(p)) {
                lines.addAll(Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return lines;
    }

    List<Path> logFiles() {
        return List.of(log());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path artifact(String file) {
        Path p = artifacts.resolve(file).toAbsolutePath();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: the build's dependency:copy (pre-integration-test) fetches it from Maven Central");
        }
        return p;
    }

    /** Unzips into {@code home} unless already there; scripts keep their execute bit. */
    void unzip(Path zip, String marker) throws IOException {
        if (Files.exists(home.resolve(marker))) {
            return;
        }
        try (ZipFile z = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                Path target = home.resolve(e.getName()).normalize();
                if (!target.startsWith(home)) {
                    throw new IOException("bad entry " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = z.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (e.getName().endsWith(".sh") || e.getName().contains("/bin/")) {
                    target.toFile().setExecutable(true);
                }
            }
        }
    }

    void untar(Path tgz, String marker) throws IOException, InterruptedException {
        if (Files.exists(home.resolve(marker))) {
            return;
        }
        run(List.of("tar", "xzf", tgz.toString(), "-C", home.toString()));
    }

    /** A set-up command (not the server): must succeed. */
    void run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    static void replace(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        if (!s.contains(from)) {
            throw new IllegalStateException(file + " does not contain " + from);
        }
        Files.writeString(file, s.replace(from, to));
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
