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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.regex.Pattern;
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

    /** Unpacks the distribution (once), deploys the WARs, and returns the command that runs the server in the foreground. */
    abstract List<String> prepare(List<App> apps) throws IOException, InterruptedException;

    /** How long start-up may take on a loaded 2-core machine. */
    Duration startTimeout() {
        return Duration.ofSeconds(180);
    }

    /** Where the test applications write what they saw as the server stopped. */
    Path reports() {
        return home.resolve("reports");
    }

    Path log() {
        return home.resolve("console.log");
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void start(List<App> apps) throws IOException, InterruptedException {
        for (App app : apps) {
            if (!Files.isRegularFile(app.war())) {
                throw new IllegalStateException("the WAR is missing: " + app.war() + " (build it: ./mvnw -B package -pl sample-war -am)");
            }
        }
        Files.createDirectories(home);
        port = freePort();
        List<String> command = prepare(apps);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        deleteTree(reports());
        Files.createDirectories(reports());
        pb.environment().put("REALTIME_TEST_REPORTS", reports().toString());
        process = pb.start();
        long end = System.nanoTime() + startTimeout().toNanos();
        for (App app : apps) {
            awaitReady(app, end);
        }
    }

    /** Ready when the application's JavaScript client is served: the application and realtime are up. */
    private void awaitReady(App app, long end) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        URI script = base().resolve(app.context() + "/realtime/realtime.js");
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start-up; its log:\n" + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(script)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " did not serve " + script.getPath() + " within " + startTimeout().toSeconds()
                + " s; its log:\n" + tail());
    }

    /**
     * Stops the server the way an operator would (SIGTERM), then waits for it: for the script and for
     * the JVM it started (WildFly's script may end while its JVM still shuts the applications down).
     */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> processes = new ArrayList<>(process.toHandle().descendants().toList());
        processes.add(process.toHandle());
        processes.forEach(ProcessHandle::destroy);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                processes.forEach(ProcessHandle::destroyForcibly);
                throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM");
            }
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

    /**
     * Log entries through library code that are the container's own choice. Tyrus (Payara) logs a
     * WARNING with the stack whenever a WebSocket is closed while a write is still pending, which is
     * what closing a reader that stopped reading (a slow consumer) is, and at times Payara's web
     * container then logs a SEVERE from its own request thread, racing the close on another
     * (AS-WEB-CORE-00037, "Internal ...grizzly...Response has not been set", no library frame in its
     * stack); README, "Supported servers".
     */
    private static final List<String> TOLERATED = List.of("TyrusServletWriter.onError",
            "Internal org.glassfish.grizzly.http.server.Response has not been set");

    /**
     * A stack frame in library code, a warning naming it, the known container complaints about it, an
     * exception no one caught on a server thread, or any error the server logged: while the checks run,
     * the only traffic is theirs (SEVERE for Tomcat and Payara, ERROR for Jetty and WildFly, message
     * ids ending in E for Liberty).
     */
    private static final Pattern LIBRARY_TROUBLE = Pattern.compile(
            "^\\s+at dev\\.realtime\\.|(WARN|WARNING).*dev\\.realtime|UT005088|WFLYEE0007|^Exception in thread "
                    + "|SEVERE|\\bERROR\\b|\\b[A-Z]{4,5}\\d{4}E\\b");

    /** What the server logged that the library may have caused: stack traces through it, warnings naming it, errors (each with the line above). */
    List<String> libraryTrouble() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path p : logFiles()) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                if (LIBRARY_TROUBLE.matcher(lines.get(i)).find() && TOLERATED.stream().noneMatch(entry(lines, i)::contains)
                        && !expected(p, lines, i)) {
                    bad.add(lines.get(Math.max(0, i - 1)) + "\n" + lines.get(i));
                }
            }
        }
        return bad;
    }

    /** How many lines each log file holds now: a position in the logs, for {@link #expect}. */
    Map<Path, Integer> logMark() throws IOException {
        Map<Path, Integer> mark = new HashMap<>();
        for (Path p : logFiles()) {
            mark.put(p, Files.isRegularFile(p) ? Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1).size() : 0);
        }
        return mark;
    }

    /**
     * A log entry a check causes on purpose: its logger and the start of its message. An entry's head
     * line names the logger and its message follows on that line or the next (Payara's format); a
     * stack trace belongs to the entry above it.
     */
    record Expected(String logger, String message) {
        boolean matches(List<String> lines, int i) {
            String head = lines.get(i).matches("^\\s+(at |\\.\\.\\. ).*|^Caused by: .*") ? headOfTrace(lines, i) : entry(lines, i);
            return head.contains(logger) && head.contains(message);
        }

        private static String entry(List<String> lines, int i) {
            return lines.get(i) + (i + 1 < lines.size() ? "\n" + lines.get(i + 1) : "");
        }
    }

    private record Window(Map<Path, Integer> from, Map<Path, Integer> to, List<Expected> entries) {
    }

    private final List<Window> expected = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Entries a check caused on purpose between two {@link #logMark()}s: the log check passes over them, and only them. */
    void expect(Map<Path, Integer> from, Map<Path, Integer> to, List<Expected> entries) {
        expected.add(new Window(from, to, entries));
    }

    private boolean expected(Path file, List<String> lines, int i) {
        return expected.stream().anyMatch(w -> w.from.getOrDefault(file, 0) <= i && i < w.to.getOrDefault(file, 0)
                && w.entries.stream().anyMatch(e -> e.matches(lines, i)));
    }

    /** What line {@code i} belongs to: the head of its stack trace, the line itself and the two after it (an entry's message). */
    private static String entry(List<String> lines, int i) {
        return headOfTrace(lines, i) + "\n" + String.join("\n", lines.subList(i, Math.min(lines.size(), i + 3)));
    }

    /** The three lines above the stack trace that line {@code i} is part of (its message and exception). */
    private static String headOfTrace(List<String> lines, int i) {
        int first = i;
        while (first > 0 && lines.get(first - 1).matches("^\\s+(at |\\.\\.\\. ).*|^Caused by: .*")) {
            first--;
        }
        return String.join("\n", lines.subList(Math.max(0, first - 3), first));
    }

    /**
     * How many lines contain {@code text} in the log file that has most of them: a server may write
     * the same line to its console and to its own log file.
     */
    long logCount(String text) throws IOException {
        long most = 0;
        for (Path p : logFiles()) {
            if (Files.isRegularFile(p)) {
                most = Math.max(most, Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                        .filter(l -> l.contains(text)).count());
            }
        }
        return most;
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
