package dev.realtime.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A long-polling subscriber speaking atmosphere.js's protocol ({@link AtmosphereProtocol}): a handshake request
 * (tracking id 0) answered with the UUID, then polls with that UUID; Atmosphere's {@code UUIDBroadcasterCache}
 * keeps what is broadcast between two polls. Two ways to run, as for the other targets: with the JDK HttpClient
 * (idle capacity: no thread per connection) or on a plain keep-alive socket with one thread (fan-out and storm,
 * see {@link RawPollClient}), counting requests and bytes both ways.
 */
final class AtmospherePollClient extends Client {
    private volatile Socket socket;
    private Thread thread;

    /** @param http the JDK client to poll with, or null for a raw socket and a thread */
    AtmospherePollClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
        reconnect = true; // a poller always polls again
    }

    @Override
    String transport() {
        return "poll";
    }

    @Override
    synchronized void connect() {
        if (http != null) {
            jdkPoll();
        } else if (thread == null && !stopped) {
            thread = new Thread(null, this::loop, "atmo-poller", 256 * 1024);
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    void stop() {
        stopped = true;
        closeSocket();
    }

    /** The body of one answer: the handshake gives the UUID, a poll gives messages. */
    private void answer(String body, long now) {
        String uuid = AtmosphereProtocol.read(this, body, now);
        if (uuid != null) {
            cursor = uuid;
        }
    }

    // ---------------------------------------------------------------- JDK HttpClient

    private void jdkPoll() {
        if (stopped) {
            return;
        }
        String url = target.pollUrl(cursor, PollClient.TIMEOUT_MILLIS);
        boolean handshake = cursor == null;
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(PollClient.TIMEOUT_MILLIS + 40_000)).build();
        if (!handshake) {
            onConnected();
        }
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            long now = System.nanoTime();
            Phase p = phase;
            if (err != null || resp.statusCode() != 200) {
                connected = false;
                if (p != null) {
                    p.disconnects.increment();
                }
                if (!stopped) {
                    timer.schedule(this::jdkPoll, 100, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (p != null) {
                p.pollRequests.increment();
            }
            answer(resp.body(), now);
            jdkPoll();
        });
    }

    // ---------------------------------------------------------------- raw socket

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
                boolean handshake = cursor == null;
                URI url = URI.create(target.pollUrl(cursor, PollClient.TIMEOUT_MILLIS));
                byte[] request = ("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: "
                        + url.getHost() + ":" + url.getPort() + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                OutputStream out = socket.getOutputStream();
                if (!handshake) {
                    onConnected();
                }
                out.write(request);
                out.flush();
                RawPollClient.Response r = RawPollClient.read(in);
                long now = System.nanoTime();
                Phase p = phase;
                if (r.status() != 200) {
                    throw new IOException("status " + r.status());
                }
                if (p != null) {
                    p.pollRequests.increment();
                    p.pollBytes.add(request.length + r.bytes());
                }
                answer(r.body(), now);
                if (r.close()) {
                    closeSocket();
                }
            } catch (IOException | RuntimeException e) {
                closeSocket();
                connected = false;
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
}
