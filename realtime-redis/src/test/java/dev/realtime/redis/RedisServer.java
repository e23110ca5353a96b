package dev.realtime.redis;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} started by a test on a free port, without persistence (so a restart
 * loses everything, like a cache node). Tests are skipped, with a message saying so, when the binary
 * is not on the PATH, unless {@code REALTIME_REQUIRE_REDIS=true}.
 */
public final class RedisServer implements AutoCloseable {
    public static final String SKIP_MESSAGE =
            "Redis tests skipped: redis-server not found on PATH; install Debian's redis-server to run them";

    private static volatile boolean warned;

    private final String binary;
    private final int port;
    private final Path dir;
    /** Keeps every write in an append-only file, synced before the reply, so a kill loses nothing. */
    private final boolean persistent;
    private Process process;

    private RedisServer(String binary, int port, boolean persistent) throws IOException {
        this.binary = binary;
        this.port = port;
        this.persistent = persistent;
        this.dir = Files.createTempDirectory("realtime-redis-test");
    }

    /** Starts a server, or skips the calling test when redis-server is not installed. */
    public static RedisServer startOrSkip() {
        RedisServer server = startIfInstalled();
        Assumptions.assumeTrue(server != null, SKIP_MESSAGE);
        return server;
    }

    /**
     * Starts a server, or returns {@code null} when redis-server is not installed; with
     * {@code REALTIME_REQUIRE_REDIS=true} (as CI sets it) a missing redis-server fails instead.
     */
    public static RedisServer startIfInstalled() {
        return startIfInstalled(false);
    }

    /**
     * As {@link #startIfInstalled()}, with persistence: every write is appended to a file and synced
     * before Redis answers ({@code appendfsync always}), so a {@link #kill()} and {@link #start()}
     * keeps all the data, as a Redis run for durability does. {@link #deleteData()} makes the next
     * start an empty one.
     */
    public static RedisServer startPersistentIfInstalled() {
        return startIfInstalled(true);
    }

    private static RedisServer startIfInstalled(boolean persistent) {
        String binary = findOnPath("redis-server");
        if (binary == null && "true".equalsIgnoreCase(System.getenv("REALTIME_REQUIRE_REDIS"))) {
            throw new AssertionError("REALTIME_REQUIRE_REDIS=true, but redis-server is not on PATH; install Debian's redis-server");
        }
        if (binary == null) {
            if (!warned) {
                warned = true;
                System.err.println("WARNING: " + SKIP_MESSAGE);
            }
            return null;
        }
        try {
            RedisServer server = new RedisServer(binary, freePort(), persistent);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server on its port (again, after {@link #kill()}) and waits until it accepts connections. */
    public synchronized void start() throws IOException {
        start(new String[0]);
    }

    /**
     * Starts the server with extra {@code redis-server} options, e.g. {@code "--key-load-delay", "200"}
     * (microseconds per key: a restart of a persistent server then answers LOADING for a while), and
     * waits until it answers, whether PONG or LOADING.
     */
    public synchronized void start(String... options) throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(binary, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(persistent
                ? java.util.List.of("--appendonly", "yes", "--appendfsync", "always")
                : java.util.List.of("--appendonly", "no"));
        command.addAll(java.util.List.of(options));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            if (ping()) {
                return;
            }
            sleep(20);
        }
        throw new IOException("redis-server did not answer PING on port " + port + " within 10 s");
    }

    /** Kills the server at once (SIGKILL): connections drop, and all data is lost. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Deletes what a persistent server has written, while it is stopped: its next start is an empty one. */
    public synchronized void deleteData() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("kill the server first");
        }
        File[] files = dir.toFile().listFiles();
        for (File f : files == null ? new File[0] : files) {
            if (!f.getName().equals("redis.log")) {
                try (java.util.stream.Stream<Path> walk = Files.walk(f.toPath())) {
                    walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    @Override
    public void close() {
        kill();
        try {
            deleteData();
        } catch (IOException e) {
            // best effort: a temporary directory
        }
        dir.resolve("redis.log").toFile().delete();
        dir.toFile().delete();
    }

    /** Sends one inline command and returns the first reply line, e.g. {@code send("FLUSHALL")}. */
    public String send(String command) throws IOException {
        return sendRaw(command + "\r\n");
    }

    /** Sends one command whose arguments may hold any text (RESP framing); returns the first reply line. */
    public String command(String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sendRaw(b.toString());
    }

    private String sendRaw(String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = s.getInputStream().read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    /** PONG, or LOADING from a server still reading its data: either way it is up. */
    private boolean ping() {
        try {
            String reply = send("PING");
            return "+PONG".equals(reply) || reply.startsWith("-LOADING");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
