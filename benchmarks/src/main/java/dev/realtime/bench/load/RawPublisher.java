package dev.realtime.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The publisher's HTTP/1.1 client: a few keep-alive sockets, each driven by one thread that writes a
 * {@code POST} and reads its answer. The JDK HttpClient was measured first and rejected for this role:
 * on this 2-core machine it added a p50 of ~100 ms at 1,000 POST/s by itself (warm), which would have
 * hidden the server's latency. Subscribers still use the JDK clients.
 */
final class RawPublisher implements AutoCloseable {
    private final String host;
    private final int port;
    private final String path;
    /** Bodies to post; a body may carry its own path and query as {@code "\u0000" + path + "\u0000" + json}. */
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    /** Time from the scheduled send (the payload's {@code t}) to the publish answer, µs: swapped per step. */
    volatile Histogram answered = new Histogram();
    private volatile boolean closed;

    RawPublisher(String url, int connections) {
        URI u = URI.create(url);
        host = u.getHost();
        port = u.getPort();
        path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(this::work, "publisher-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    void submit(String json) {
        queue.add(json);
    }

    /** Posts {@code json} to another path of the same server (e.g. {@code /base/publish?channel=c7}). */
    void submit(String json, String pathAndQuery) {
        queue.add('\u0000' + pathAndQuery + '\u0000' + json);
    }

    int pending() {
        return queue.size();
    }

    private void work() {
        Socket s = null;
        while (!closed) {
            String body;
            try {
                body = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (body.isEmpty()) {
                return; // poison
            }
            String target = path;
            if (body.charAt(0) == '\u0000') {
                int end = body.indexOf('\u0000', 1);
                target = body.substring(1, end);
                body = body.substring(end + 1);
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    if (s == null) {
                        s = new Socket();
                        s.setTcpNoDelay(true);
                        s.connect(new InetSocketAddress(host, port), 10_000);
                        s.setSoTimeout(60_000);
                    }
                    byte[] b = body.getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + target + " HTTP/1.1\r\nHost: " + host + ":" + port
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                    out.flush();
                    int status = readResponse(s.getInputStream());
                    int ti = body.indexOf("\"t\":");
                    if (ti > 0) {
                        answered.record((System.nanoTime() - Long.parseLong(body, ti + 4, body.length() - 1, 10)) / 1000);
                    }
                    if (status != 202) {
                        errors.incrementAndGet();
                    }
                    done.incrementAndGet();
                    break;
                } catch (IOException e) {
                    closeQuietly(s);
                    s = null;
                    if (attempt >= 1) {
                        errors.incrementAndGet();
                        done.incrementAndGet();
                        break;
                    }
                }
            }
        }
        closeQuietly(s);
    }

    /** Reads one response (the poll clients' reader: Content-Length or chunked); returns its status. */
    private int readResponse(InputStream raw) throws IOException {
        return RawPollClient.read(buffered(raw)).status();
    }

    private final ThreadLocal<InputStream> buffers = new ThreadLocal<>();
    private final ThreadLocal<InputStream> rawStreams = new ThreadLocal<>();

    private InputStream buffered(InputStream raw) {
        if (rawStreams.get() != raw) {
            rawStreams.set(raw);
            buffers.set(new BufferedInputStream(raw, 8192));
        }
        return buffers.get();
    }


    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < workers.size(); i++) {
            queue.add("");
        }
    }
}
