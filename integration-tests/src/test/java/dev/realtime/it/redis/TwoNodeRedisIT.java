package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import dev.realtime.redis.RedisServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two application nodes (embedded Tomcat each) sharing one real Redis: messages cross nodes on
 * every transport, cursors move between nodes, a node can die, and Redis can die and come back.
 */
class TwoNodeRedisIT {
    static RedisServer redis;
    /** Set by the class's @BeforeAll (TwoNodeRedisClusterIT hides it to run the same tests on a cluster). */
    static RedisNodes nodes;
    /** Shared by the tests (each uses its own channel); a test that stops a node gets it restarted for the next. */
    static RedisNodes.Node a;
    static RedisNodes.Node b;

    Http httpA;
    Http httpB;
    String channel;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void startRedisAndNodes() {
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            startNodes(redis.uri(), "it");
        }
    }

    @AfterAll
    static void stopAll() {
        stopNodes();
        if (redis != null) {
            redis.close();
        }
    }

    /** Starts nodes a and b on one WAR pointed at {@code redisUri}, with a key prefix of their own. */
    static void startNodes(String redisUri, String prefix) {
        nodes = new RedisNodes(redisUri, prefix + Long.toString(System.nanoTime(), 36) + ":");
        a = nodes.start("a");
        b = nodes.start("b");
    }

    static void stopNodes() {
        if (a != null) {
            a.stop();
        }
        if (b != null) {
            b.stop();
        }
        if (nodes != null) {
            nodes.close();
        }
        nodes = null;
        a = null;
        b = null;
    }

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(nodes != null, RedisServer.SKIP_MESSAGE);
        if (a.isStopped()) {
            a = nodes.start("a");
        }
        httpA = new Http(a.base);
        httpB = new Http(b.base);
        channel = "room:" + UUID.randomUUID();
    }

    @AfterEach
    void closeClients() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                // the node may be gone already
            }
        }
        clients.clear();
    }

    @Test
    void publishedOnOneNodeIsReceivedOnTheOtherOverEveryTransport() throws Exception {
        WsClient ws = track(new WsClient(ws(b, "?channel=" + enc(channel))));
        assertThat(ws.next("subscribed").getString("channel")).isEqualTo(channel);
        SseClient sse = track(new SseClient(httpB.uri("/realtime/sse?channel=" + enc(channel)), null));
        assertThat(sse.nextLine()).startsWith("retry:");
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(
                () -> httpB.get("/realtime/poll?channel=" + enc(channel) + "&timeout=10000"));
        Thread.sleep(300); // the poll is held on B

        assertThat(httpA.publish(channel, "{\"n\":1}").statusCode()).isEqualTo(202);

        JsonObject overWs = ws.next("message");
        assertThat(overWs.getJsonObject("data").getInt("n")).isEqualTo(1);
        JsonObject overSse = Http.json(SseClient.field(sse.nextEvent(), "data"));
        assertThat(overSse.getJsonObject("data").getInt("n")).isEqualTo(1);
        JsonObject overPoll = Http.json(poll.get(10, TimeUnit.SECONDS)).getJsonArray("messages").getJsonObject(0);
        assertThat(overPoll.getJsonObject("data").getInt("n")).isEqualTo(1);
        assertThat(List.of(overWs.getString("id"), overSse.getString("id"), overPoll.getString("id"))).containsOnly(overWs.getString("id"));

        // and a WebSocket publish on A reaches B's subscribers too
        WsClient publisher = track(new WsClient(ws(a, "")));
        publisher.send("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"data\":{\"n\":2},\"ref\":\"p\"}");
        JsonObject ack = publisher.next("ack");
        assertThat(ack.getString("ref")).isEqualTo("p");
        JsonObject second = ws.next("message");
        assertThat(second.getJsonObject("data").getInt("n")).isEqualTo(2);
        assertThat(second.getString("id")).isEqualTo(ack.getString("id"));
        assertThat(Http.json(SseClient.field(sse.nextEvent(), "data")).getJsonObject("data").getInt("n")).isEqualTo(2);
    }

    @Test
    void crossNodeLatencyIsMeasured() throws Exception {
        WsClient onB = track(new WsClient(ws(b, "?channel=" + enc(channel))));
        onB.next("subscribed");
        WsClient onA = track(new WsClient(ws(a, "?channel=" + enc(channel))));
        onA.next("subscribed");
        int warmUp = 100;
        int samples = 500;
        List<Double> cross = new ArrayList<>();
        List<Double> local = new ArrayList<>();
        for (int i = 0; i < warmUp + samples; i++) {
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> sent = httpA.client.sendAsync(
                    java.net.http.HttpRequest.newBuilder(httpA.uri("/realtime/publish?channel=" + enc(channel)))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Integer.toString(i))).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonObject m = onB.next("message");
            double crossMs = (System.nanoTime() - start) / 1e6;
            JsonObject mine = onA.next("message");
            double localMs = (System.nanoTime() - start) / 1e6;
            assertThat(m.getInt("data")).isEqualTo(i);
            assertThat(mine.getInt("data")).isEqualTo(i);
            assertThat(sent.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            if (i >= warmUp) {
                cross.add(crossMs);
                local.add(localMs);
            }
        }
        String report = String.format(Locale.ROOT,
                "two nodes, one Redis (%d samples after %d warm-up, sequential, loopback):%n"
                        + "  HTTP publish on A -> WebSocket message on B: %s%n"
                        + "  HTTP publish on A -> WebSocket message on A: %s (measured after B's arrival, so an upper bound)%n",
                samples, warmUp, summary(cross), summary(local));
        System.out.print(report);
        Path out = Path.of("target", "two-node-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    @Test
    void aLongPollClientAlternatingNodesOnEveryPollMissesNothing() throws Exception {
        String cursor = Http.json(httpA.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0")).getString("cursor");
        int total = 60;
        AtomicReference<Throwable> publishFailure = new AtomicReference<>();
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    int status = (i % 2 == 0 ? httpA : httpB).publish(channel, Integer.toString(i)).statusCode();
                    if (status != 202) {
                        throw new AssertionError("publish " + i + " answered " + status);
                    }
                    Thread.sleep(15);
                }
            } catch (Throwable t) {
                publishFailure.set(t);
            }
        }, "alternating-publisher");
        publisher.start();

        List<Integer> received = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        int polls = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < total && System.nanoTime() < deadline) {
            Http node = polls++ % 2 == 0 ? httpB : httpA;
            HttpResponse<String> r = node.get("/realtime/poll?channel=" + enc(channel) + "&since=" + enc(cursor) + "&timeout=2000");
            assertThat(r.statusCode()).as("poll %d: %s", polls, r.body()).isEqualTo(200);
            JsonObject body = Http.json(r);
            body.getJsonArray("messages").forEach(v -> received.add(v.asJsonObject().getInt("data")));
            body.getJsonArray("gaps").forEach(v -> gaps.add(v.toString()));
            cursor = body.getString("cursor");
        }
        publisher.join(10_000);
        assertThat(publishFailure.get()).isNull();
        assertThat(gaps).isEmpty();
        assertThat(received).as("every message once, in order, over %d polls alternating between nodes", polls)
                .isEqualTo(IntStream.range(0, total).boxed().collect(Collectors.toList()));
        assertThat(polls).isGreaterThan(2);
    }

    @Test
    void clientsOfAStoppedNodeResumeOnTheOtherWithoutLoss() throws Exception {
        int total = 200;
        WsClient ws = track(new WsClient(ws(a, "?channel=" + enc(channel))));
        ws.next("subscribed");
        SseClient sse = track(new SseClient(httpA.uri("/realtime/sse?channel=" + enc(channel)), null));
        assertThat(sse.nextLine()).startsWith("retry:");
        List<Integer> polled = new CopyOnWriteArrayList<>();
        List<String> pollNodes = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> pollFailure = new AtomicReference<>();
        String firstCursor = Http.json(httpA.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0")).getString("cursor");
        Thread poller = new Thread(() -> {
            String cursor = firstCursor;
            Http node = httpA;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            try {
                while (polled.size() < total && System.nanoTime() < deadline) {
                    HttpResponse<String> r;
                    try {
                        r = node.get("/realtime/poll?channel=" + enc(channel) + "&since=" + enc(cursor) + "&timeout=2000");
                    } catch (IllegalStateException e) { // the node went away under the request
                        node = httpB;
                        continue;
                    }
                    if (r.statusCode() != 200) { // e.g. 503 shutting_down while the node stops
                        node = httpB;
                        continue;
                    }
                    pollNodes.add(node == httpA ? "a" : "b");
                    JsonObject body = Http.json(r);
                    if (!body.getJsonArray("gaps").isEmpty()) {
                        throw new AssertionError("gap reported to the long-poll client: " + body);
                    }
                    body.getJsonArray("messages").forEach(v -> polled.add(v.asJsonObject().getInt("data")));
                    cursor = body.getString("cursor");
                }
            } catch (Throwable t) {
                pollFailure.set(t);
            }
        }, "failover-poller");
        poller.start();

        AtomicBoolean stopped = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                assertThat(httpB.publish(channel, Integer.toString(i)).statusCode()).isEqualTo(202);
                sleep(10);
            }
        }, "publisher-on-b");
        publisher.start();

        // WebSocket: read on A until the node is stopped under the client, then resume on B from the last cursor
        List<Integer> overWs = new ArrayList<>();
        String wsCursor = null;
        while (overWs.size() < 40) {
            JsonObject m = ws.next("message");
            overWs.add(m.getInt("data"));
            wsCursor = m.getString("cursor");
        }
        a.stop();
        stopped.set(true);
        wsCursor = readWsUntilClosed(ws, overWs, wsCursor);
        WsClient resumed = track(new WsClient(ws(b, "?channel=" + enc(channel) + "&since=" + enc(wsCursor))));
        resumed.next("subscribed");
        while (overWs.size() < total) {
            JsonObject f = resumed.next();
            assertThat(f.getString("type")).as("frame after resuming on B: %s", f).isEqualTo("message");
            overWs.add(f.getInt("data"));
        }

        // SSE: what A sent before stopping, then B from Last-Event-ID
        List<Integer> overSse = new ArrayList<>();
        String lastId = readSseUntilEnd(sse, overSse);
        assertThat(lastId).as("A delivered some SSE events before stopping").isNotNull();
        SseClient sseOnB = track(new SseClient(httpB.uri("/realtime/sse?channel=" + enc(channel)), lastId));
        assertThat(sseOnB.nextLine()).startsWith("retry:");
        while (overSse.size() < total) {
            List<String> event = sseOnB.nextEvent();
            assertThat(SseClient.field(event, "event")).as("event after resuming on B: %s", event).isNull();
            overSse.add(Http.json(SseClient.field(event, "data")).getInt("data"));
        }

        publisher.join(30_000);
        poller.join(60_000);
        List<Integer> all = IntStream.range(0, total).boxed().collect(Collectors.toList());
        assertThat(stopped).isTrue();
        assertThat(overWs).as("WebSocket: every message once, in order, across the failover").isEqualTo(all);
        assertThat(overSse).as("SSE: every message once, in order, across the failover").isEqualTo(all);
        assertThat(pollFailure.get()).isNull();
        assertThat(polled).as("long-poll: every message once, in order, across the failover").isEqualTo(all);
        assertThat(pollNodes).as("the poller used both nodes").contains("a", "b");
    }

    @Test
    void redisKilledAndRestartedDuringAStream() throws Exception {
        WsClient ws = track(new WsClient(ws(b, "?channel=" + enc(channel))));
        ws.next("subscribed");

        List<Integer> accepted = new CopyOnWriteArrayList<>();
        List<String> refusals = new CopyOnWriteArrayList<>();
        List<Long> refusalMillis = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean killed = new AtomicBoolean();
        // Sorted by when the publish started, not by when its 202 came back: a publish Redis took just
        // before the kill can answer after it (its message even reaches B's subscriber first), and
        // counting those afterwards once made this test wait for a message already received (issue 13).
        List<Integer> acceptedBeforeKill = new CopyOnWriteArrayList<>();
        List<Integer> acceptedAfterKill = new CopyOnWriteArrayList<>();
        Thread publisher = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                boolean down = killed.get();
                long start = System.nanoTime();
                HttpResponse<String> r = httpA.publish(channel, Integer.toString(i));
                if (r.statusCode() == 202) {
                    accepted.add(i);
                    (down ? acceptedAfterKill : acceptedBeforeKill).add(i);
                } else {
                    refusals.add(r.statusCode() + " " + Http.json(r).getString("error"));
                    refusalMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
                i++;
                sleep(10);
            }
        }, "publisher-on-a");
        publisher.start();
        try {
            List<JsonObject> frames = new ArrayList<>();
            while (frames.size() < 20) {
                frames.add(ws.next("message"));
            }
            redis.kill();
            killed.set(true);
            assertThat(waitFor(() -> refusals.size() >= 10, 15)).as("publishes refused while Redis is down").isTrue();
            assertThat(refusals).as("answers while Redis is down").allMatch(s -> s.equals("503 bus_unavailable"));
            assertThat(refusalMillis).as("503s come quickly (command timeout 2 s), never hanging")
                    .allMatch(ms -> ms < 3000);
            redis.start();
            int afterRestart = accepted.size();
            assertThat(waitFor(() -> accepted.size() >= afterRestart + 30, 20)).as("publishing works again").isTrue();
            stop.set(true);
            publisher.join(10_000);

            List<Integer> expectedAfter = new ArrayList<>(acceptedAfterKill);
            List<Integer> before = new ArrayList<>();
            List<Integer> after = new ArrayList<>();
            int gaps = 0;
            for (JsonObject f : frames) {
                before.add(f.getInt("data"));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!after.containsAll(expectedAfter) && System.nanoTime() < deadline) {
                JsonObject f;
                try {
                    f = ws.next();
                } catch (AssertionError stalled) {
                    printThreads(); // both nodes run in this JVM: what their threads were doing when delivery stalled
                    throw new AssertionError(stalled.getMessage() + "; accepted " + accepted + ", before the kill "
                            + acceptedBeforeKill + ", after the kill " + acceptedAfterKill + "; received before the gap "
                            + before + ", gaps " + gaps + ", after " + after, stalled);
                }
                switch (f.getString("type")) {
                    case "gap" -> {
                        assertThat(f.getString("channel")).isEqualTo(channel);
                        gaps++;
                    }
                    case "message" -> (gaps == 0 ? before : after).add(f.getInt("data"));
                    default -> throw new AssertionError("unexpected frame " + f);
                }
            }
            assertThat(gaps).as("Redis lost its data: the client is told of a gap, once").isEqualTo(1);
            assertThat(before).as("before the gap: what was accepted before the kill, in order")
                    .isEqualTo(acceptedBeforeKill);
            assertThat(after).as("after the gap: every message accepted after the restart, once, in order")
                    .isEqualTo(expectedAfter);
            assertThat(ws.drain(Duration.ofMillis(300))).as("nothing more").isEmpty();
        } finally {
            stop.set(true);
            publisher.join(10_000);
        }
    }

    // ---------------------------------------------------------------- helpers

    <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    static URI ws(RedisNodes.Node node, String query) {
        return URI.create(node.base.toString().replaceFirst("^http", "ws") + "realtime/ws" + query);
    }

    /** Message frames until the server closes the socket; returns the last cursor. */
    private static String readWsUntilClosed(WsClient ws, List<Integer> out, String cursor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonObject f = ws.frames.poll(100, TimeUnit.MILLISECONDS);
            if (f == null) {
                if (ws.closeCode.isDone()) {
                    return cursor;
                }
                continue;
            }
            if (!"message".equals(f.getString("type"))) {
                throw new AssertionError("unexpected frame while the node stops: " + f);
            }
            out.add(f.getInt("data"));
            cursor = f.getString("cursor");
        }
        throw new AssertionError("the WebSocket was not closed within 20 s of stopping its node");
    }

    /** Events until the stream ends; returns the last id. */
    private static String readSseUntilEnd(SseClient sse, List<Integer> out) throws InterruptedException {
        String lastId = null;
        while (true) {
            List<String> event = sse.nextEvent();
            if (event.contains(SseClient.END)) {
                return lastId;
            }
            if (SseClient.field(event, "event") != null) {
                throw new AssertionError("unexpected event while the node stops: " + event);
            }
            out.add(Http.json(SseClient.field(event, "data")).getInt("data"));
            lastId = SseClient.field(event, "id");
        }
    }

    private static String summary(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, mean %.2f ms",
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted.get(sorted.size() - 1),
                sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static boolean waitFor(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printThreads() {
        StringBuilder b = new StringBuilder("---- threads when the stream stalled ----\n");
        Thread.getAllStackTraces().forEach((t, trace) -> {
            b.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement e : trace) {
                b.append("    at ").append(e).append('\n');
            }
        });
        System.out.println(b);
    }
}
