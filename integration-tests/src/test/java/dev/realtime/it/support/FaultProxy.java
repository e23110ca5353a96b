package dev.realtime.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy for fault-injection tests, JDK only: it forwards every connection it accepts to one
 * target and, on demand, makes the network between them misbehave the ways real ones do.
 *
 * <ul>
 *   <li>{@link #latency}: every byte arrives that much later, in each direction, order kept;</li>
 *   <li>{@link #bandwidth}: each direction of each connection carries at most that many bytes a second;</li>
 *   <li>{@link #blackHole}: nothing moves on any connection, old or new, and nothing tells either side
 *       (no FIN, no RST), as in a network partition; {@link #restore} lets the held bytes through, as
 *       TCP retransmission would;</li>
 *   <li>{@link #halfOpen}: the connections open now go silent for good (a peer that vanished, a
 *       NAT entry that expired): bytes sent on them are lost, and nothing tells either side; new
 *       connections work;</li>
 *   <li>{@link #reset}: every open connection is reset (RST to both sides); new connections work;</li>
 *   <li>{@link #cut}: every open connection is reset and new ones are refused until {@link #restore}.</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Guards the fault state below and is notified when holding ends. */
    private final Object state = new Object();
    private long latencyNanos;
    private long bytesPerSecond;
    private boolean holding;
    private boolean refusing;
    private volatile boolean closed;

    private FaultProxy(String name, InetSocketAddress target) throws IOException {
        this.name = name;
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port forwarding to {@code host:port}. */
    public static FaultProxy start(String name, String host, int port) {
        try {
            return new FaultProxy(name, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted and handled (forwarded, or refused) since the start: reconnects show here. */
    public int acceptedConnections() {
        return accepted.get();
    }

    public int openConnections() {
        return links.size();
    }

    /** Adds {@code delay} to every byte in each direction (zero: none). */
    public void latency(Duration delay) {
        synchronized (state) {
            latencyNanos = delay.toNanos();
        }
    }

    /** At most {@code perSecond} bytes a second in each direction of each connection (0: unlimited). */
    public void bandwidth(long perSecond) {
        synchronized (state) {
            bytesPerSecond = perSecond;
        }
    }

    /** Holds every byte on every connection, open or new, telling neither side, until {@link #restore}. */
    public void blackHole() {
        synchronized (state) {
            holding = true;
        }
    }

    /** The connections open now go silent for good: what is sent on them is lost; new connections work. */
    public void halfOpen() {
        for (Link link : List.copyOf(links)) {
            link.dead = true;
        }
    }

    /** Resets every open connection (RST both ways); new connections work. */
    public void reset() {
        for (Link link : List.copyOf(links)) {
            link.close(true);
        }
    }

    /** Resets every open connection and refuses new ones until {@link #restore}. */
    public void cut() {
        synchronized (state) {
            refusing = true;
        }
        reset();
    }

    /** No fault any more: held bytes move on, new connections are accepted, no latency, no limit. */
    public void restore() {
        synchronized (state) {
            holding = false;
            refusing = false;
            latencyNanos = 0;
            bytesPerSecond = 0;
            state.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        restore();
        for (Link link : List.copyOf(links)) {
            link.close(false);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy " + name + " :" + port() + " -> " + target;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            boolean refuse;
            synchronized (state) {
                refuse = refusing;
            }
            if (refuse) {
                resetQuietly(client);
                accepted.incrementAndGet();
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2000);
            } catch (IOException e) {
                resetQuietly(client); // the target is down: the client sees its connection reset
                closeQuietly(upstream);
                accepted.incrementAndGet();
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            synchronized (state) {
                refuse = refusing; // a cut that came while this one was being set up
            }
            if (refuse) {
                link.close(true);
            } else {
                link.start();
            }
            accepted.incrementAndGet();
        }
    }

    /** Blocks while the proxy holds bytes; false once the link is closed. */
    private boolean awaitFlowing(Link link) throws InterruptedException {
        synchronized (state) {
            while (holding && !link.isClosed()) {
                state.wait(100);
            }
        }
        return !link.isClosed();
    }

    private long latencyNanos() {
        synchronized (state) {
            return latencyNanos;
        }
    }

    private long bytesPerSecond() {
        synchronized (state) {
            return bytesPerSecond;
        }
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // close() then sends RST instead of FIN
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private record Chunk(byte[] bytes, long arrivedNanos) {
    }

    /** One proxied connection: a client socket, its upstream socket, and a pipe each way. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        final Pipe up;
        final Pipe down;
        volatile boolean dead;
        /** Directions that saw their end (FIN): at two, the link is done. */
        final AtomicInteger ended = new AtomicInteger();
        private volatile boolean closedFlag;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
            this.up = new Pipe(this, client, upstream, "up");
            this.down = new Pipe(this, upstream, client, "down");
        }

        void start() {
            up.start();
            down.start();
        }

        boolean isClosed() {
            return closedFlag;
        }

        /** Closes both sockets, with RST when {@code reset}; the pipes' threads end. */
        void close(boolean reset) {
            if (closedFlag) {
                return;
            }
            closedFlag = true;
            links.remove(this);
            if (reset) {
                resetQuietly(client);
                resetQuietly(upstream);
            } else {
                closeQuietly(client);
                closeQuietly(upstream);
            }
            up.queue.offer(END);
            down.queue.offer(END);
        }

        /** One direction: a reader thread queues what arrives, a writer thread sends it on when due. */
        private final class Pipe {
            final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            final Thread reader;
            final Thread writer;
            private final InputStream in;
            private final OutputStream out;
            private final Socket to;

            Pipe(Link link, Socket from, Socket to, String direction) {
                this.to = to;
                try {
                    this.in = from.getInputStream();
                    this.out = to.getOutputStream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String thread = "fault-proxy-" + name + "-" + from.getPort() + "-" + direction;
                reader = new Thread(() -> read(link), thread + "-read");
                writer = new Thread(() -> write(link), thread + "-write");
                reader.setDaemon(true);
                writer.setDaemon(true);
            }

            void start() {
                reader.start();
                writer.start();
            }

            private void read(Link link) {
                byte[] buffer = new byte[16384];
                try {
                    // while the proxy holds, this side stops reading too, so TCP pushes back on the sender
                    while (awaitFlowing(link)) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            queue.offer(END);
                            return;
                        }
                        if (!dead) {
                            queue.offer(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    link.close(false);
                }
            }

            private void write(Link link) {
                try {
                    while (true) {
                        Chunk c = queue.take();
                        if (c == END) {
                            if (!link.isClosed()) {
                                to.shutdownOutput(); // a FIN from one side reaches the other
                            }
                            if (link.ended.incrementAndGet() == 2) {
                                link.close(false); // both sides finished
                            }
                            return;
                        }
                        long due = c.arrivedNanos() + latencyNanos();
                        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                            TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                        }
                        if (!awaitFlowing(link)) {
                            return;
                        }
                        if (!dead) {
                            send(c.bytes());
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    link.close(false);
                }
            }

            /** Writes in slices paced to the bandwidth limit, if any. */
            private void send(byte[] bytes) throws IOException, InterruptedException {
                int offset = 0;
                while (offset < bytes.length) {
                    long limit = bytesPerSecond();
                    int slice = limit <= 0 ? bytes.length - offset : (int) Math.max(1, Math.min(bytes.length - offset, limit / 20));
                    out.write(bytes, offset, slice);
                    out.flush();
                    offset += slice;
                    if (limit > 0) {
                        TimeUnit.NANOSECONDS.sleep(slice * 1_000_000_000L / limit);
                    }
                }
            }
        }
    }
}
