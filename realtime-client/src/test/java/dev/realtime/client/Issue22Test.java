package dev.realtime.client;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a user of the client sees (issue 22): threads after close, publish errors, checkpoints, keys, defaults. */
class Issue22Test {

    private FakeServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RealtimeClient.Builder builder(Transport transport) {
        return server.clientBuilder(transport);
    }

    private static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().startsWith("HttpClient-") || t.getName().startsWith("realtime-client")))
                .map(Thread::getName).sorted().toList();
    }

    private static long httpClientThreads() {
        return clientThreads().size();
    }

    // ---- items 1 and 2: close() leaves no threads and no connections ----

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void closedClientsLeaveNoThreadsAfterGc(Transport transport) throws Exception {
        long before = httpClientThreads();
        for (int i = 0; i < 10; i++) {
            RealtimeClient client = builder(transport).build();
            client.subscribe("room", m -> {}).ready().get(10, TimeUnit.SECONDS);
            client.publish("room", Map.of("n", i)).get(10, TimeUnit.SECONDS);
            client.close();
        }
        // on JDK 17 the HttpClient's selector thread ends only once the closed client is unreachable
        // and its cancelled exchange is gone: under load that takes a while, so the wait is long and
        // a failure names the threads that are left
        await(() -> "the clients' threads to end (before: " + before + ", now: " + clientThreads() + ")", Duration.ofSeconds(60), () -> {
            System.gc();
            return httpClientThreads() <= before;
        });
        assertThat(clientThreads()).hasSize((int) before);
        // the server finds a client that went away at its next heartbeat
        await("the server to see no open streams", () -> server.openExchanges() == 0);
    }

    // ---- item 3: every publish failure is a failed future with a RealtimeException ----

    @Test
    void invalidPublishArgumentsFailTheFuture() throws Exception {
        try (RealtimeClient client = builder(Transport.LONG_POLLING).build()) {
            assertThat(failure(client.publish("bad channel!", "x")).code()).isEqualTo("invalid_channel");
            assertThat(failure(client.publish("room", "gap", "x")).code()).isEqualTo("invalid_event");
            assertThat(failure(client.publishJson("room", "{not json")).code()).isEqualTo("invalid_json");
            assertThat(failure(client.publish("room", null, "x", "no spaces allowed")).code())
                    .isEqualTo("invalid_idempotency_key");
        }
    }

    @Test
    void exhaustedRetriesFailWithUnavailableAndTheCause() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (RealtimeClient client = RealtimeClient.builder(URI.create("http://127.0.0.1:" + port + "/rt"))
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).publishAttempts(2).build()) {
            RealtimeException e = failure(client.publish("room", "x"));
            assertThat(e.code()).isEqualTo("unavailable");
            assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
        }
    }

    private static RealtimeException failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RealtimeException.class);
            return (RealtimeException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("publish did not finish", e);
        }
        throw new AssertionError("the publish succeeded");
    }

    // ---- item 4: a checkpoint saved from Message.cursor() loses nothing after a crash ----

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void checkpointFromHandledMessagesLosesNothingAfterACrash(Transport transport) throws Exception {
        for (int i = 1; i <= 60; i++) {
            server.publish("a", "{\"n\":" + i + "}");
            server.publish("b", "{\"n\":" + i + "}");
        }
        AtomicReference<String> checkpoint = new AtomicReference<>();
        Set<String> handled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch crash = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        RealtimeClient first = builder(transport).build();
        MessageListener slow = m -> {
            if (handled.size() >= 70) {
                crash.countDown();
                try {
                    never.await(); // the process "crashes" here: this message is never handled
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            handled.add(m.channel() + "/" + m.id());
            if (m.cursor() != null) {
                checkpoint.set(m.cursor());
            }
        };
        first.subscribe("a", StartPosition.earliest(), slow);
        first.subscribe("b", StartPosition.earliest(), slow);
        assertThat(crash.await(20, TimeUnit.SECONDS)).isTrue();
        // by now the client has read far more than the listener handled
        await("the client to read ahead", () -> first.cursor() != null);
        never.countDown();
        first.close();
        // (a long-poll answer of up to 50 messages carries one cursor, after its last message)
        assertThat(checkpoint.get()).isNotNull();
        StartPosition resumeAt = StartPosition.after(checkpoint.get());
        List<String> replay = new CopyOnWriteArrayList<>();
        try (RealtimeClient second = builder(transport).build()) {
            MessageListener rec = m -> replay.add(m.channel() + "/" + m.id());
            second.subscribe("a", resumeAt, rec);
            second.subscribe("b", resumeAt, rec);
            await("the rest to arrive", () -> new LinkedHashSet<>(replay).containsAll(missing(handled)));
        }
    }

    private static List<String> missing(Set<String> handled) {
        List<String> out = new ArrayList<>();
        for (String ch : List.of("a", "b")) {
            for (int i = 1; i <= 60; i++) {
                if (!handled.contains(ch + "/" + i)) {
                    out.add(ch + "/" + i);
                }
            }
        }
        return out;
    }

    // ---- item 5: a caller's idempotency key ----

    @Test
    void callerKeyIsSentAndDeduplicated() throws Exception {
        try (RealtimeClient client = builder(Transport.LONG_POLLING).build()) {
            PublishAck first = client.publish("room", null, Map.of("order", 17), "order-17").get(10, TimeUnit.SECONDS);
            PublishAck again = client.publishJson("room", null, "{\"order\":17}", "order-17").get(10, TimeUnit.SECONDS);
            assertThat(again.id()).isEqualTo(first.id());
            assertThat(server.historySize("room")).isEqualTo(1);
            assertThat(server.publishKeys).containsExactly("order-17", "order-17");
            assertThat(client.toString()).contains("queued=0/1024").contains(client.state().name());
        }
    }

    // ---- item 7: gaps and refusals are not silent by default ----

    @Test
    void defaultGapHandlingLogsAWarning() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(MessageListener.class.getName());
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            for (int i = 0; i < 5; i++) {
                server.publish("room", "1");
            }
            server.trim("room", 2);
            try (RealtimeClient client = builder(Transport.LONG_POLLING).build()) {
                List<String> got = new CopyOnWriteArrayList<>();
                // resuming after message 1, which the server no longer holds: a gap
                client.subscribe("room", StartPosition.after("room-1"), m -> got.add(m.id()));
                await("the retained messages", () -> got.size() == 2);
                await("a warning about the gap", () -> records.stream().anyMatch(
                        r -> r.getLevel() == java.util.logging.Level.WARNING && r.getMessage().contains("gap")));
            }
        } finally {
            jul.removeHandler(h);
        }
    }
}
