package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow consumers: a subscriber that stops reading must cost the server a bounded queue, never the
 * publisher's time or the other subscribers' latency. Under {@code disconnect} it is dropped (1008,
 * or the stream ends) after receiving an unbroken prefix; under {@code drop-oldest} it gets a gap,
 * then the newest messages.
 *
 * <p>Not covered yet: the dropped reader resuming from its cursor. Today that replay (about 1,500
 * messages here) is queued in one go, overflows the same queue and is dropped again with 1008 before
 * its first message; reported to the lead with a reproduction.
 */
@ExtendWith(ArquillianExtension.class)
class SlowConsumerIT {
    /**
     * Messages of about 8 KiB: 1,500 of them (12 MiB) are more than the loopback TCP buffers (4 MiB)
     * and a queue (2 MiB, a few hundred messages: room for a reader that keeps up on a busy machine) hold.
     */
    static final int COUNT = 1500;
    static final String PAD = "x".repeat(8000);
    /** Sanity bounds, not a benchmark: the machine is shared and noisy. */
    static final long BOUND_MILLIS = 5000;

    @Deployment(name = "disconnect", testable = false)
    static WebArchive disconnect() {
        return war("slow-disconnect", "disconnect");
    }

    @Deployment(name = "drop", testable = false)
    static WebArchive drop() {
        return war("slow-drop", "drop-oldest");
    }

    static WebArchive war(String name, String policy) {
        return Deployments.war(name, Map.of(
                        "realtime.queue.maxMessages", "512",
                        "realtime.queue.maxBytes", "2097152",
                        "realtime.queue.policy", policy,
                        "realtime.history.size", "5000",
                        "realtime.publish.rate", "1000000")) // the test publishes as fast as it can from one address
                .addClass(EngineProbeServlet.class);
    }

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void disconnectDropsTheSlowReadersWhileOthersKeepUp(
            @ArquillianResource @OperateOnDeployment("disconnect") URL base) throws Exception {
        Http http = new Http(base);
        String channel = "slow:" + UUID.randomUUID();
        GoodWs goodWs = GoodWs.open(client, ws(http, "?channel=" + enc(channel)));
        try (GoodSse goodSse = new GoodSse(client, http.uri("/realtime/sse?channel=" + enc(channel)));
             RawWs slowWs = RawWs.connect(base, "/realtime/ws?channel=" + enc(channel), 4096);
             Socket slowSse = RawHttp.open(base)) {
            assertThat(slowWs.read().text()).contains("\"subscribed\"");
            BufferedReader slowSseLines = openRawSse(base, slowSse, channel);

            // message 0: every reader takes it, so the slow ones hold a cursor
            publish(http, channel, 0);
            JsonObject first = Http.json(slowWs.read().text());
            assertThat(first.getJsonObject("data").getInt("i")).isEqualTo(0);
            String slowSseFirstId = nextSseEvent(slowSseLines).id;
            assertThat(sessions(http)).as("two good and two slow readers").isEqualTo(4);
            // from here on the slow readers read nothing

            List<Long> publishMillis = publishAll(http, channel);
            List<Long> wsLatency = goodWs.awaitAll(COUNT + 1);
            List<Long> sseLatency = goodSse.awaitAll(COUNT + 1);
            System.out.printf("SlowConsumerIT disconnect: publish max %d ms, p99 %d ms; good readers p99 WebSocket %d ms, SSE %d ms%n",
                    max(publishMillis), p99(publishMillis), p99(wsLatency), p99(sseLatency));

            assertThat(max(publishMillis)).as("the publisher never waits for a slow reader (ms per publish)").isLessThan(BOUND_MILLIS);
            assertThat(p99(wsLatency)).as("good WebSocket reader p99 publish->receive (ms)").isLessThan(BOUND_MILLIS);
            assertThat(p99(sseLatency)).as("good SSE reader p99 publish->receive (ms)").isLessThan(BOUND_MILLIS);

            // both slow readers overflowed their queues and were dropped server-side
            awaitSessions(http, 2);

            // the slow WebSocket: what it still finds in its socket is in order, then 1008 (or the connection is gone)
            slowWs.socket.setSoTimeout(20_000);
            List<Integer> seen = new ArrayList<>(List.of(0));
            String cursor = first.getString("cursor");
            Integer closeCode = null;
            try {
                while (true) {
                    RawWs.Frame f = slowWs.read();
                    if (f.opcode() == RawWs.CLOSE) {
                        closeCode = f.closeCode();
                        break;
                    }
                    if (f.opcode() == RawWs.TEXT) {
                        JsonObject m = Http.json(f.text());
                        assertThat(m.getString("type")).isEqualTo("message");
                        seen.add(m.getJsonObject("data").getInt("i"));
                        cursor = m.getString("cursor");
                    }
                }
            } catch (EOFException | SocketException e) {
                // dropped without a close frame: allowed when the socket was wedged
            }
            if (closeCode != null) {
                assertThat(closeCode).as("slow consumer close code").isEqualTo(1008);
            }
            System.out.printf("SlowConsumerIT disconnect: the slow WebSocket read %d messages, then %s%n", seen.size(),
                    closeCode == null ? "the connection was closed without a close frame" : "close code " + closeCode);
            assertThat(seen).as("the slow WebSocket's messages are in order without holes").isEqualTo(range(0, seen.size()));
            assertThat(seen.size()).as("it fell behind").isLessThan(COUNT + 1);
            // (resuming from that cursor is not checked here: a backlog larger than the queue is refused, see the class comment)
            assertThat(cursor).isNotBlank();

            // the slow SSE reader: the stream ended after an unbroken prefix
            List<Integer> sseSeen = new ArrayList<>(List.of(0));
            String lastId = slowSseFirstId;
            slowSse.setSoTimeout(20_000);
            SseEvent e;
            while ((e = nextSseEvent(slowSseLines)) != null) {
                sseSeen.add(Http.json(e.data).getJsonObject("data").getInt("i"));
                lastId = e.id;
            }
            assertThat(sseSeen).as("the slow SSE reader's events are in order without holes").isEqualTo(range(0, sseSeen.size()));
            assertThat(sseSeen.size()).isLessThan(COUNT + 1);
            assertThat(lastId).isNotBlank();
        } finally {
            goodWs.close();
        }
    }

    @Test
    void dropOldestGivesTheSlowReaderAGapThenTheNewestAndKeepsMemoryBounded(
            @ArquillianResource @OperateOnDeployment("drop") URL base) throws Exception {
        Http http = new Http(base);
        String channel = "drop:" + UUID.randomUUID();
        long heapBefore = usedHeapAfterGc();
        try (GoodWs goodWs = GoodWs.open(client, ws(http, "?channel=" + enc(channel)));
             RawWs slow = RawWs.connect(base, "/realtime/ws?channel=" + enc(channel), 4096)) {
            assertThat(slow.read().text()).contains("\"subscribed\"");
            assertThat(sessions(http)).isEqualTo(2);

            List<Long> publishMillis = publishAll(http, channel);
            List<Long> latency = goodWs.awaitAll(COUNT);
            System.out.printf("SlowConsumerIT drop-oldest: publish max %d ms, p99 %d ms; good reader p99 %d ms%n",
                    max(publishMillis), p99(publishMillis), p99(latency));
            assertThat(goodWs.indexes).isEqualTo(range(1, COUNT + 1));
            assertThat(max(publishMillis)).as("the publisher never waits for a slow reader (ms per publish)").isLessThan(BOUND_MILLIS);
            assertThat(p99(latency)).as("good reader p99 publish->receive (ms)").isLessThan(BOUND_MILLIS);
            assertThat(sessions(http)).as("drop-oldest keeps the slow reader connected").isEqualTo(2);

            // the slow reader's queue is bounded (512 messages / 2 MiB): the heap holds history, not a backlog per reader
            long grown = usedHeapAfterGc() - heapBefore;
            assertThat(grown).as("heap growth in bytes with a wedged reader (sanity bound)").isLessThan(256L << 20);

            // now it reads: what was in the socket, a gap notice, then the newest messages, never a silent hole
            List<Integer> seen = new ArrayList<>();
            List<Integer> gapsBefore = new ArrayList<>();
            int gaps = 0;
            slow.socket.setSoTimeout(20_000);
            while (seen.isEmpty() || seen.get(seen.size() - 1) < COUNT) {
                JsonObject f = Http.json(slow.read().text());
                switch (f.getString("type")) {
                    case "gap" -> {
                        assertThat(f.getString("channel")).isEqualTo(channel);
                        gaps++;
                    }
                    case "message" -> {
                        int i = f.getJsonObject("data").getInt("i");
                        int previous = seen.isEmpty() ? 0 : seen.get(seen.size() - 1);
                        assertThat(i).as("in order").isGreaterThan(previous);
                        if (i != previous + 1) {
                            assertThat(gaps).as("a hole after " + previous + " (next " + i + ") is announced by a gap").isPositive();
                            gapsBefore.add(i);
                        }
                        gaps = 0;
                        seen.add(i);
                    }
                    default -> throw new AssertionError("unexpected frame " + f);
                }
            }
            assertThat(gapsBefore).as("messages were dropped and announced").isNotEmpty();
            int lastHole = gapsBefore.get(gapsBefore.size() - 1);
            assertThat(seen.subList(seen.indexOf(lastHole), seen.size())).as("after the last gap: the newest messages, contiguous")
                    .isEqualTo(range(lastHole, COUNT + 1));
            assertThat(seen.get(seen.size() - 1)).isEqualTo(COUNT);
        }
    }

    // ---- publishing and measuring

    /** Publishes messages 1..COUNT over HTTP; returns each publish's duration in ms. */
    List<Long> publishAll(Http http, String channel) {
        List<Long> millis = new ArrayList<>(COUNT);
        for (int i = 1; i <= COUNT; i++) {
            long start = System.nanoTime();
            publish(http, channel, i);
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        return millis;
    }

    void publish(Http http, String channel, int i) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=" + enc(channel)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + ",\"t\":" + System.nanoTime() + ",\"pad\":\"" + PAD + "\"}"))
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static long latencyMillis(JsonObject message) {
        return (System.nanoTime() - message.getJsonObject("data").getJsonNumber("t").longValue()) / 1_000_000;
    }

    static long p99(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    static long max(List<Long> values) {
        return Collections.max(values);
    }

    static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static URI ws(Http http, String query) {
        return http.ws(query);
    }

    int sessions(Http http) {
        return Integer.parseInt(http.get("/test/abuse/sessions").body().trim());
    }

    void awaitSessions(Http http, int expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int n;
        while ((n = sessions(http)) != expected && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(n).as("live sessions on the server").isEqualTo(expected);
    }

    // ---- the raw SSE reader that stops reading

    record SseEvent(String id, String data) {
    }

    static BufferedReader openRawSse(URL base, Socket s, String channel) throws IOException {
        String path = base.getPath().replaceAll("/$", "") + "/realtime/sse?channel=" + enc(channel);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = RawHttp.readHead(s.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("chunked");
        BufferedReader lines = new BufferedReader(new InputStreamReader(new RawHttp.Chunked(s.getInputStream()), StandardCharsets.UTF_8), 256);
        assertThat(lines.readLine()).startsWith("retry:");
        return lines;
    }

    /** The next event with data (comments skipped), or null at the end of the stream. */
    static SseEvent nextSseEvent(BufferedReader lines) throws IOException {
        String id = null;
        String data = null;
        String line;
        try {
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return new SseEvent(id, data);
                    }
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
        } catch (EOFException | SocketException e) {
            // the server ended the connection
        }
        return null;
    }

    // ---- good readers

    /** Reads an event stream as it arrives and records each message's index and publish->receive latency. */
    static final class GoodSse implements AutoCloseable {
        final List<Integer> indexes = new CopyOnWriteArrayList<>();
        final List<Long> latency = new CopyOnWriteArrayList<>();
        final java.util.concurrent.CountDownLatch live = new java.util.concurrent.CountDownLatch(1);
        final HttpResponse<java.io.InputStream> response;

        GoodSse(HttpClient client, URI uri) throws IOException, InterruptedException {
            response = client.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            Thread reader = new Thread(this::read, "good-sse-reader");
            reader.setDaemon(true);
            reader.start();
            assertThat(live.await(10, TimeUnit.SECONDS)).as("the retry line").isTrue();
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("retry:")) {
                        live.countDown();
                    } else if (line.startsWith("data: ")) {
                        JsonObject m = Http.json(line.substring(6));
                        latency.add(latencyMillis(m));
                        indexes.add(m.getJsonObject("data").getInt("i"));
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        List<Long> awaitAll(int count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (indexes.size() < count && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(indexes).as("SSE messages received, in order, once each").isEqualTo(range(0, count));
            return new ArrayList<>(latency);
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }


    /** Reads every frame as it arrives and records each message's index and publish->receive latency. */
    static final class GoodWs implements WebSocket.Listener, AutoCloseable {
        final List<Integer> indexes = new CopyOnWriteArrayList<>();
        final List<Long> latency = new CopyOnWriteArrayList<>();
        final StringBuilder partial = new StringBuilder();
        final java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
        WebSocket socket;

        static GoodWs open(HttpClient client, URI uri) {
            GoodWs g = new GoodWs();
            g.socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, g).join();
            return g;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject f = Http.json(partial.toString());
                partial.setLength(0);
                if (f.getString("type").equals("message")) {
                    latency.add(latencyMillis(f));
                    indexes.add(f.getJsonObject("data").getInt("i"));
                }
            }
            ws.request(1);
            return null;
        }

        /** Waits for {@code count} messages, checking they arrive once each and in order; returns their latencies. */
        List<Long> awaitAll(int count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (indexes.size() < count && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(indexes).as("messages received (connection: %s)", closed.getNow("open")).hasSize(count);
            assertThat(indexes).as("in order, once each").isSorted().doesNotHaveDuplicates();
            return new ArrayList<>(latency);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete("closed " + code + " " + reason + " after " + indexes.size() + " messages");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete("failed " + error + " after " + indexes.size() + " messages");
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
