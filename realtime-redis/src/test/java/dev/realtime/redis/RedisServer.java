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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** Options for every start: persistence (see {@link #startPersistentIfInstalled()}) or cluster mode. */
    private final List<String> options;
    private Process process;

    private static final List<String> EPHEMERAL = List.of("--appendonly", "no");
    /** Keeps every write in an append-only file, synced before the reply, so a kill loses nothing. */
    private static final List<String> PERSISTENT = List.of("--appendonly", "yes", "--appendfsync", "always");

    private RedisServer(String binary, int port, List<String> options) throws IOException {
        this.binary = binary;
        this.port = port;
        this.options = options;
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
        return startIfInstalled(EPHEMERAL);
    }

    /**
     * As {@link #startIfInstalled()}, with persistence: every write is appended to a file and synced
     * before Redis answers ({@code appendfsync always}), so a {@link #kill()} and {@link #start()}
     * keeps all the data, as a Redis run for durability does. {@link #deleteData()} makes the next
     * start an empty one.
     */
    public static RedisServer startPersistentIfInstalled() {
        return startIfInstalled(PERSISTENT);
    }

    /**
     * Starts a cluster-enabled server (not yet part of any cluster: see {@link RedisCluster}) on a port
     * whose cluster bus port (+10000) is free too; {@code null} when redis-server is not installed.
     */
    static RedisServer startClusterNodeIfInstalled(Duration nodeTimeout) {
        List<String> cluster = new ArrayList<>(EPHEMERAL);
        cluster.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()), "--cluster-require-full-coverage", "no"));
        return startIfInstalled(cluster);
    }

    private static RedisServer startIfInstalled(List<String> options) {
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
            RedisServer server = new RedisServer(binary, options.contains("--cluster-enabled") ? freeClusterPort() : freePort(),
                    options);
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
    public synchronized void start(String... extra) throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(binary, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(options);
        command.addAll(java.util.List.of(extra));
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

    /** The server process's id (for its CPU time in /proc); -1 when it is not running. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
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

    /**
     * Writes {@code keys} filler keys and compacts the append-only file into an RDB base, so that the
     * next start of a persistent server loads them key by key ({@code --key-load-delay} then slows
     * the loading down, and Redis answers LOADING meanwhile).
     */
    public void fillAndCompact(int keys) throws IOException {
        command("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'filler:' .. i, i) end return 1", "0",
                Integer.toString(keys));
        if (!send("BGREWRITEAOF").startsWith("+")) {
            throw new IOException("BGREWRITEAOF was refused");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.readString(dir.resolve("redis.log")).contains("Background AOF rewrite finished successfully")) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the AOF rewrite did not finish within 20 s");
            }
            sleep(20);
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
        return sendRaw(resp(args));
    }

    /**
     * Sends one command and reads its whole reply: a String (simple or bulk), a Long, a List of
     * replies, or null; an error reply throws, with Redis's message.
     */
    public Object call(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(resp(args).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            return readReply(new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream())));
        }
    }

    private static Object readReply(java.io.DataInputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("Redis answered an error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = new byte[n + 2];
                in.readFully(b);
                return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected Redis reply type " + type);
        }
    }

    private static String readLine(java.io.DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String resp(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
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

    /** A free port below 55536 whose cluster bus port (+10000) is free as well. */
    private static int freeClusterPort() throws IOException {
        for (int i = 0; i < 100; i++) {
            int port = freePort();
            if (port < 55536 && isFree(port + 10000)) {
                return port;
            }
        }
        throw new IOException("no free port pair (port, port + 10000) found for a cluster node");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
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
