package dev.realtime.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the container that answers WebSocket handshakes with 404 while closed
 * and forwards everything else byte for byte: "WebSocket refused, then allowed", as behind a
 * proxy that did not pass upgrades for a while. A browser that loads its page through the gate
 * (its port) sends everything through it, its shared worker included.
 *
 * <p>It also tells which requests the browser holds open right now ({@link #openRequests}): it sees a
 * browser close its connection at once, while the server only notices when a write fails (a few
 * probe intervals later, see {@code realtime.sse.probeInterval}), so "how many streams does this
 * browser hold" is answered exactly here and only eventually by the server's session count.
 */
public final class WebSocketGate implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    /** Proxied browser connections whose browser side is still open. */
    private final Set<Proxied> proxied = ConcurrentHashMap.newKeySet();
    private volatile boolean open;

    public WebSocketGate(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "websocket-gate");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, WebSocket handshakes pass. */
    public void open() {
        open = true;
    }

    /** WebSocket handshakes refused so far. */
    public int refused() {
        return refused.get();
    }

    /**
     * The request line of the latest request on each proxied connection the browser still holds open
     * (e.g. {@code GET /sample/realtime/sse?channel=... HTTP/1.1}; a WebSocket keeps its upgrade
     * request). A connection kept for reuse after its answer shows its last request.
     */
    public List<String> openRequests() {
        List<String> lines = new ArrayList<>();
        for (Proxied p : proxied) {
            lines.add(p.request);
        }
        return lines;
    }

    /** One browser connection passed through, and the request it carries now. */
    private static final class Proxied {
        volatile String request;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "websocket-gate-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase();
            if (!open && text.contains("upgrade: websocket")) {
                refused.incrementAndGet();
                client.getOutputStream().write(("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            Proxied p = new Proxied();
            p.request = requestLine(head);
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
                sockets.add(upstream);
                Thread back = new Thread(() -> pipe(upstream, client), "websocket-gate-back");
                back.setDaemon(true);
                back.start();
                proxied.add(p);
                try {
                    forwardRequests(head, client, upstream, p);
                } finally {
                    proxied.remove(p); // the browser closed its side (or the connection broke)
                }
                back.join();
            } finally {
                proxied.remove(p);
            }
        } catch (IOException | InterruptedException gone) {
            // either side went away
        } finally {
            sockets.remove(client);
        }
    }

    /**
     * Browser to server: request by request (head, then a Content-Length body), noting each request
     * line, until the browser closes; after an upgrade (or a body of unknown length) byte for byte.
     */
    private static void forwardRequests(byte[] first, Socket client, Socket upstream, Proxied p) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            byte[] head = first;
            while (head != null) {
                p.request = requestLine(head);
                out.write(head);
                out.flush();
                String lower = new String(head, StandardCharsets.ISO_8859_1).toLowerCase();
                long length = contentLength(lower);
                if (lower.contains("upgrade: websocket") || lower.contains("transfer-encoding:") || length < 0) {
                    copy(in, out); // a WebSocket, or a body this gate does not parse
                    break;
                }
                copy(in, out, length);
                head = readHead(in, true);
            }
            upstream.shutdownOutput();
        } catch (IOException gone) {
            try {
                upstream.close();
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static String requestLine(byte[] head) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        return text.substring(0, Math.max(0, text.indexOf("\r\n")));
    }

    private static long contentLength(String lowerHead) {
        int at = lowerHead.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return 0;
        }
        int from = at + "\r\ncontent-length:".length();
        int to = lowerHead.indexOf("\r\n", from);
        try {
            return Long.parseLong(lowerHead.substring(from, to < 0 ? lowerHead.length() : to).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[8192];
        while (length > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length));
            if (n < 0) {
                throw new IOException("closed within a request body");
            }
            out.write(buf, 0, n);
            length -= n;
        }
        out.flush();
    }

    /** The request head (up to the blank line) of the connection's first request. */
    private static byte[] readHead(InputStream in) throws IOException {
        return readHead(in, false);
    }

    /** A request head; with {@code betweenRequests}, null when the connection ends before a new one starts. */
    private static byte[] readHead(InputStream in, boolean betweenRequests) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (betweenRequests && head.size() == 0) {
                    return null;
                }
                throw new IOException("closed before the request head ended");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException gone) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
