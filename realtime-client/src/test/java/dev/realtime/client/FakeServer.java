package dev.realtime.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small stand-in for the realtime server's HTTP transports (long-poll, SSE, publish), written
 * from the wire protocol, on the JDK's HTTP server on a loopback ephemeral port. Cursors are
 * {@code channel-position} pairs joined with {@code .}; ids are per-channel sequence numbers.
 * History can be trimmed to provoke gaps; connections can be dropped; publishes can be failed.
 */
final class FakeServer implements AutoCloseable {

    record Stored(String channel, long seq, String event, String data) {
        String json() {
            return "{\"channel\":\"" + channel + "\",\"id\":\"" + seq + "\",\"event\":\"" + event + "\",\"data\":"
                    + data + ",\"ts\":1764300000123}";
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, List<Stored>> history = new HashMap<>();
    private final Map<String, Long> floor = new HashMap<>();
    private final List<HttpExchange> open = new CopyOnWriteArrayList<>();
    private final Map<String, String> idempotency = new ConcurrentHashMap<>();
    final List<String> publishKeys = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger sseConnections = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger failNextPublishes = new AtomicInteger();
    private long epochDrops;

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/rt/poll", this::poll);
        server.createContext("/rt/sse", this::sse);
        server.createContext("/rt/publish", this::publish);
        server.start();
    }

    /** A client of this server with short backoff and timeouts, as the tests want it. */
    RealtimeClient.Builder clientBuilder(Transport transport) {
        return RealtimeClient.builder(base())
                .transport(transport)
                .backoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200))
                .readTimeout(java.time.Duration.ofSeconds(10))
                .pollTimeout(java.time.Duration.ofSeconds(5));
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/rt");
    }

    synchronized Stored publish(String channel, String data) {
        List<Stored> list = history.computeIfAbsent(channel, c -> new ArrayList<>());
        Stored s = new Stored(channel, list.size() + 1L, "message", data);
        list.add(s);
        notifyAll();
        return s;
    }

    /** Forgets all but the newest {@code keep} messages of a channel (resuming before them is a gap). */
    synchronized void trim(String channel, int keep) {
        long last = end(channel);
        floor.put(channel, Math.max(0, last - keep));
    }

    /** Ends every open SSE stream and held poll abruptly. */
    synchronized void dropAll() {
        epochDrops++;
        for (HttpExchange e : open) {
            e.close();
        }
        open.clear();
        notifyAll();
    }

    private long end(String channel) {
        List<Stored> list = history.get(channel);
        return list == null ? 0 : list.size();
    }

    private static Map<String, List<String>> query(HttpExchange ex) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String part : raw.split("&")) {
                int eq = part.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return q;
    }

    /** Positions per requested channel, and the channels that must report a gap. */
    private synchronized Map<String, Long> start(List<String> channels, String since, List<String> gaps) {
        Map<String, Long> pos = new LinkedHashMap<>();
        Map<String, Long> cursor = new HashMap<>();
        if (since != null && !since.equals("earliest")) {
            for (String pair : since.split("\\.")) {
                int dash = pair.lastIndexOf('-');
                cursor.put(pair.substring(0, dash), Long.parseLong(pair.substring(dash + 1)));
            }
        }
        for (String c : channels) {
            long f = floor.getOrDefault(c, 0L);
            long p;
            if ("earliest".equals(since)) {
                p = f;
            } else if (cursor.containsKey(c)) {
                p = cursor.get(c);
                if (p < f) {
                    gaps.add(c);
                    p = f;
                }
            } else {
                p = end(c);
            }
            pos.put(c, p);
        }
        return pos;
    }

    private static String cursor(Map<String, Long> pos) {
        StringBuilder sb = new StringBuilder();
        pos.forEach((c, p) -> sb.append(sb.length() == 0 ? "" : ".").append(c).append('-').append(p));
        return sb.toString();
    }

    /** Messages after the positions, advancing them. */
    private List<Stored> take(Map<String, Long> pos, int max) {
        List<Stored> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : pos.entrySet()) {
            List<Stored> list = history.getOrDefault(e.getKey(), List.of());
            long p = e.getValue();
            while (p < list.size() && out.size() < max) {
                out.add(list.get((int) p));
                p++;
            }
            e.setValue(p);
        }
        return out;
    }

    private void poll(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().toString());
        polls.incrementAndGet();
        Map<String, List<String>> q = query(ex);
        List<String> channels = q.getOrDefault("channel", List.of());
        String since = q.containsKey("since") ? q.get("since").get(0) : null;
        long timeout = q.containsKey("timeout") ? Long.parseLong(q.get("timeout").get(0)) : 25_000;
        List<String> gaps = new ArrayList<>();
        Map<String, Long> pos = start(channels, since, gaps);
        List<Stored> batch;
        synchronized (this) {
            open.add(ex);
            long drops = epochDrops;
            long deadline = System.currentTimeMillis() + timeout;
            batch = take(pos, 50);
            while (batch.isEmpty() && gaps.isEmpty() && System.currentTimeMillis() < deadline && drops == epochDrops) {
                try {
                    wait(Math.max(1, deadline - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    return;
                }
                batch = take(pos, 50);
            }
            if (drops != epochDrops) {
                return; // dropped: the exchange was closed without an answer
            }
            open.remove(ex);
        }
        StringBuilder body = new StringBuilder("{\"messages\":[");
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "" : ",").append(batch.get(i).json());
        }
        body.append("],\"cursor\":\"").append(cursor(pos)).append("\",\"gaps\":[");
        for (int i = 0; i < gaps.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(gaps.get(i)).append('"');
        }
        body.append("]}");
        send(ex, 200, body.toString());
    }

    private void sse(HttpExchange ex) throws IOException {
        requests.add(ex.getRequestURI().toString());
        sseConnections.incrementAndGet();
        Map<String, List<String>> q = query(ex);
        List<String> channels = q.getOrDefault("channel", List.of());
        String since = q.containsKey("since") ? q.get("since").get(0) : null;
        String lastEventId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isEmpty()) {
            since = lastEventId;
        }
        List<String> gaps = new ArrayList<>();
        Map<String, Long> pos = start(channels, since, gaps);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        long drops;
        synchronized (this) {
            open.add(ex);
            drops = epochDrops;
        }
        try {
            // CRLF line ends and a BOM on purpose: the client must cope with both
            write(out, "\uFEFFretry: 100\r\n\r\n");
            for (String gap : gaps) {
                write(out, "event: gap\r\ndata: {\"channel\":\"" + gap + "\"}\r\n\r\n");
            }
            while (true) {
                List<Stored> batch;
                synchronized (this) {
                    batch = take(pos, 1);
                    if (batch.isEmpty() && drops == epochDrops) {
                        wait(1_000); // then a heartbeat, which also finds out a client that went away
                        batch = take(pos, 1);
                    }
                    if (drops != epochDrops) {
                        return;
                    }
                }
                if (batch.isEmpty()) {
                    write(out, ": heartbeat\n\n");
                    continue;
                }
                Stored s = batch.get(0);
                write(out, "id: " + cursor(pos) + "\n" + (s.event().equals("message") ? "" : "event: " + s.event() + "\n")
                        + "data: " + s.json() + "\n\n");
            }
        } catch (IOException | InterruptedException gone) {
            // the client went away
        } finally {
            open.remove(ex);
            ex.close();
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void publish(HttpExchange ex) throws IOException {
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        publishKeys.add(String.valueOf(key));
        String channel = query(ex).get("channel").get(0);
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (failNextPublishes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            // the message is published, but the answer is an error: a retry must not publish it again
            idempotency.computeIfAbsent(channel + "/" + key, k -> String.valueOf(publish(channel, body).seq()));
            send(ex, 503, "{\"error\":\"overloaded\",\"message\":\"try later\"}");
            return;
        }
        if (!String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
            send(ex, 415, "{\"error\":\"unsupported_media_type\",\"message\":\"json only\"}");
            return;
        }
        if (channel.equals("forbidden")) {
            send(ex, 403, "{\"error\":\"forbidden\",\"message\":\"no\"}");
            return;
        }
        String id = idempotency.computeIfAbsent(channel + "/" + key, k -> String.valueOf(publish(channel, body).seq()));
        send(ex, 202, "{\"channel\":\"" + channel + "\",\"id\":\"" + id + "\"}");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** SSE streams and held polls the server still serves. */
    int openExchanges() {
        return open.size();
    }

    synchronized int historySize(String channel) {
        return (int) end(channel);
    }

    @Override
    public void close() {
        dropAll();
        server.stop(0);
        executor.shutdownNow();
    }
}
