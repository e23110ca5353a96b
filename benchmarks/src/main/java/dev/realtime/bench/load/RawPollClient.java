package dev.realtime.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A long-polling subscriber on a plain keep-alive socket, one thread per client: used for fan-out and
 * the storm, where the JDK HttpClient's own cost per request (measured: p50 of 300-650 ms at only 500
 * polls/s on this shared machine) would have been the thing measured. Counts exact bytes both ways.
 */
class RawPollClient extends Client {
    private volatile Socket socket;
    private Thread thread;

    RawPollClient(Target target, ScheduledExecutorService timer) {
        this(target, null, timer);
    }

    /** For subclasses that can also poll with the JDK client ({@code http} not null). */
    RawPollClient(Target target, java.net.http.HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
        reconnect = true; // a poller always polls again
    }

    /** Whether the next request makes the client live before its answer (not a protocol handshake). */
    boolean liveBeforeAnswer() {
        return true;
    }

    /** One answer's body, received at {@code now}. */
    void onAnswer(String body, long now) {
        String c = cursorOf(body);
        if (c != null) {
            cursor = c;
        }
        if (!body.contains("\"seq\":")) {
            heartbeats.incrementAndGet();
        }
        readPayloads(body, now);
    }

    @Override
    String transport() {
        return "poll";
    }

    @Override
    synchronized void connect() {
        if (thread == null && !stopped) {
            thread = new Thread(null, this::loop, getClass().getSimpleName(), 256 * 1024);
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    void stop() {
        stopped = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }

    private void loop() {
        BufferedInputStream in = null;
        while (!stopped) {
            try {
                if (socket == null) {
                    URI u = URI.create(target.http());
                    Socket s = new Socket();
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 10_000);
                    s.setSoTimeout((int) PollClient.TIMEOUT_MILLIS + 40_000);
                    socket = s;
                    in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                    if (stopped) {
                        s.close();
                        return;
                    }
                }
                URI url = URI.create(target.withChannel(target.pollUrl(cursor, PollClient.TIMEOUT_MILLIS), channel));
                byte[] request = ("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: "
                        + url.getHost() + ":" + url.getPort() + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                OutputStream out = socket.getOutputStream();
                if (liveBeforeAnswer()) {
                    onConnected();
                }
                out.write(request);
                out.flush();
                Response r = read(in);
                long now = System.nanoTime();
                Phase p = phase;
                if (r.status != 200) {
                    throw new IOException("status " + r.status);
                }
                if (p != null) {
                    p.pollRequests.increment();
                    p.pollBytes.add(request.length + r.bytes);
                }
                onAnswer(r.body, now);
                if (r.close) {
                    closeSocket();
                }
            } catch (IOException | RuntimeException e) {
                closeSocket();
                connected = false;
                drops.incrementAndGet();
                if (stopped) {
                    return;
                }
                Phase p = phase;
                if (p != null) {
                    p.disconnects.increment();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException x) {
                    return;
                }
            }
        }
        closeSocket();
    }

    private void closeSocket() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }

    record Response(int status, String body, long bytes, boolean close) {
    }

    /** One HTTP/1.1 response with Content-Length or chunked body; {@code bytes} counts everything read. */
    static Response read(InputStream in) throws IOException {
        long[] count = {0};
        String status = line(in, count);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String h;
        while (!(h = line(in, count)).isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(512);
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in, count).split(";")[0].trim(), 16)) > 0) {
                copy(in, body, size, count);
                line(in, count);
            }
            line(in, count);
        } else if (length > 0) {
            copy(in, body, length, count);
        }
        return new Response(code, body.toString(StandardCharsets.UTF_8), count[0], close);
    }

    private static String line(InputStream in, long[] count) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        count[0] += b.length() + 2;
        return b.toString();
    }

    private static void copy(InputStream in, java.io.ByteArrayOutputStream out, long n, long[] count) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int k = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (k < 0) {
                throw new IOException("connection closed");
            }
            out.write(buf, 0, k);
            n -= k;
            count[0] += k;
        }
    }
}
