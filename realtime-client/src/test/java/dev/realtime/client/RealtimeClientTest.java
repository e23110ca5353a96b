package dev.realtime.client;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against {@link FakeServer}: delivery, resume, gaps, catch-up, backpressure, publish. */
class RealtimeClientTest {

    private FakeServer server;
    private RealtimeClient client;

    /** Records what a subscription receives, as "gap:ch" or "ch/id". */
    static final class Recorder implements MessageListener {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Message> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(Message message) {
            messages.add(message);
            seen.add(message.channel() + "/" + message.id());
        }

        @Override
        public void onGap(String channel) {
            seen.add("gap:" + channel);
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private RealtimeClient.Builder builder(Transport transport) {
        return server.clientBuilder(transport);
    }

    private static List<String> ids(String channel, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> channel + "/" + i).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void deliversAndResumesAfterTheServerDropsTheConnection(Transport transport) throws Exception {
        client = builder(transport).build();
        Recorder rec = new Recorder();
        client.subscribe("a", rec).ready().get(15, TimeUnit.SECONDS);
        for (int i = 1; i <= 3; i++) {
            server.publish("a", "{\"n\":" + i + "}");
        }
        await("3 messages", () -> rec.seen.size() >= 3);
        int connectionsBefore = server.sseConnections.get() + server.polls.get();

        server.dropAll();
        for (int i = 4; i <= 6; i++) {
            server.publish("a", "{\"n\":" + i + "}");
        }
        await("6 messages", () -> rec.seen.size() >= 6);
        Thread.sleep(200); // a duplicate would arrive now

        assertThat(rec.seen).containsExactlyElementsOf(ids("a", 1, 6));
        assertThat(rec.messages.get(3).data()).isEqualTo("{\"n\":4}");
        assertThat(rec.messages.get(3).event()).isEqualTo("message");
        assertThat(rec.messages.get(3).ts()).isEqualTo(1764300000123L);
        assertThat(server.sseConnections.get() + server.polls.get()).isGreaterThan(connectionsBefore);
        assertThat(client.cursor()).isEqualTo("a-6");
        assertThat(client.transport()).isEqualTo(transport);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void aDropBeforeTheFirstMessageLosesNothingPublishedAfterReady(Transport transport) throws Exception {
        client = builder(transport).build();
        Recorder rec = new Recorder();
        client.subscribe("a", rec).ready().get(15, TimeUnit.SECONDS);
        server.dropAll();
        server.publish("a", "{}");
        server.publish("a", "{}");
        await("2 messages", () -> rec.seen.size() >= 2);
        Thread.sleep(200);
        assertThat(rec.seen).containsExactlyElementsOf(ids("a", 1, 2));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void reportsAGapThenWhatTheServerStillHolds(Transport transport) throws Exception {
        for (int i = 1; i <= 5; i++) {
            server.publish("a", "{}");
        }
        server.trim("a", 2);
        client = builder(transport).build();
        Recorder rec = new Recorder();
        client.subscribe("a", StartPosition.after("a-1"), rec);
        await("gap and 2 messages", () -> rec.seen.size() >= 3);
        assertThat(rec.seen).containsExactly("gap:a", "a/4", "a/5");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void aChannelAddedFromEarliestIsCaughtUpWhileTheOthersStayLive(Transport transport) throws Exception {
        for (int i = 1; i <= 3; i++) {
            server.publish("b", "{}");
        }
        client = builder(transport).build();
        Recorder a = new Recorder();
        client.subscribe("a", a).ready().get(15, TimeUnit.SECONDS);
        server.publish("a", "{}");
        await("a/1", () -> a.seen.size() == 1);

        Recorder b = new Recorder();
        Subscription sb = client.subscribe("b", StartPosition.earliest(), b);
        sb.ready().get(15, TimeUnit.SECONDS);
        server.publish("b", "{}");
        server.publish("a", "{}");
        await("b/1..4", () -> b.seen.size() >= 4);
        await("a/2", () -> a.seen.size() >= 2);
        Thread.sleep(200);

        assertThat(b.seen).containsExactlyElementsOf(ids("b", 1, 4));
        assertThat(a.seen).containsExactlyElementsOf(ids("a", 1, 2));
        // the new channel was added by reconnecting with the cursor: "a" was not replayed from scratch
        assertThat(server.requests).anyMatch(r -> r.contains("since=a-1"));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"SSE", "LONG_POLLING"})
    void cancelStopsDeliveryAndDropsTheChannelFromTheConnection(Transport transport) throws Exception {
        client = builder(transport).build();
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        client.subscribe("a", a).ready().get(15, TimeUnit.SECONDS);
        Subscription sb = client.subscribe("b", b);
        sb.ready().get(15, TimeUnit.SECONDS);
        sb.cancel();
        assertThat(sb.isActive()).isFalse();
        server.publish("b", "{}");
        server.publish("a", "{}");
        await("a/1", () -> a.seen.size() == 1);
        Thread.sleep(200);
        assertThat(b.seen).isEmpty();
        String last = server.requests.get(server.requests.size() - 1);
        assertThat(last).contains("channel=a").doesNotContain("channel=b");
    }

    @Test
    void aSlowListenerMakesTheClientDisconnectAndResumeWithoutLossOrDuplicates() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        client = builder(Transport.SSE)
                .bufferSize(4)
                .connectionListener((state, transport) -> states.add(state))
                .build();
        Recorder rec = new Recorder();
        client.subscribe("a", m -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rec.onMessage(m);
        }).ready().get(15, TimeUnit.SECONDS);
        for (int i = 1; i <= 40; i++) {
            server.publish("a", "{}");
        }
        await("the client to let go of the connection", () -> client.state() == ConnectionState.RECONNECTING);
        int connections = server.sseConnections.get();
        Thread.sleep(300);
        assertThat(server.sseConnections.get()).as("no reconnect while the listener is stuck").isEqualTo(connections);

        release.countDown();
        await("40 messages", () -> rec.seen.size() >= 40);
        Thread.sleep(200);
        assertThat(rec.seen).containsExactlyElementsOf(ids("a", 1, 40));
        assertThat(server.sseConnections.get()).isGreaterThan(connections);
        assertThat(states).contains(ConnectionState.CONNECTING, ConnectionState.OPEN, ConnectionState.RECONNECTING);
    }

    @Test
    void autoFallsBackFromWebSocketToSseWhenTheServerHasNoWebSocket() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        client = builder(Transport.AUTO).connectionListener((s, t) -> states.add(s + " " + t)).build();
        Recorder rec = new Recorder();
        client.subscribe("a", rec).ready().get(15, TimeUnit.SECONDS);
        server.publish("a", "{}");
        await("a/1", () -> rec.seen.size() == 1);
        assertThat(client.transport()).isEqualTo(Transport.SSE);
        assertThat(states).contains("CONNECTING WEBSOCKET", "OPEN SSE");
    }

    @Test
    void publishRetriesWithTheSameIdempotencyKeyAndPublishesOnce() throws Exception {
        client = builder(Transport.SSE).build();
        server.failNextPublishes.set(2);
        PublishAck ack = client.publishJson("p", "{\"x\":1}").get(15, TimeUnit.SECONDS);
        assertThat(ack).isEqualTo(new PublishAck("p", "1"));
        assertThat(server.historySize("p")).isEqualTo(1);
        assertThat(server.publishKeys).hasSize(3);
        assertThat(server.publishKeys.stream().distinct()).hasSize(1);
        assertThat(server.publishKeys.get(0)).matches("[A-Za-z0-9_.:-]{1,128}");
    }

    @Test
    void publishGivesUpAfterTheConfiguredAttempts() {
        client = builder(Transport.SSE).publishAttempts(2).build();
        server.failNextPublishes.set(5);
        assertThatThrownBy(() -> client.publishJson("p", "1").join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(RealtimeException.class)
                .satisfies(e -> {
                    assertThat(((RealtimeException) e).status()).isEqualTo(503);
                    assertThat(((RealtimeException) e).code()).isEqualTo("overloaded");
                });
        assertThat(server.publishKeys).hasSize(2);
    }

    @Test
    void aRefusedPublishIsNotRetried() {
        client = builder(Transport.SSE).build();
        assertThatThrownBy(() -> client.publish("forbidden", "x").join())
                .cause().isInstanceOf(RealtimeException.class)
                .hasMessageContaining("forbidden");
        assertThat(server.publishKeys).hasSize(1);
    }

    @Test
    void publishSerialisesObjectsWithJsonbAndMessagesBindBack() throws Exception {
        client = builder(Transport.LONG_POLLING).build();
        Recorder rec = new Recorder();
        client.subscribe("p", rec).ready().get(15, TimeUnit.SECONDS);
        client.publish("p", Map.of("text", "hi")).get(15, TimeUnit.SECONDS);
        client.publish("p", "plain string").get(15, TimeUnit.SECONDS);
        await("2 messages", () -> rec.messages.size() == 2);
        assertThat(rec.messages.get(0).data()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(rec.messages.get(0).dataAs(Map.class)).containsEntry("text", "hi");
        assertThat(rec.messages.get(1).data()).isEqualTo("\"plain string\"");
        assertThat(rec.messages.get(1).dataAs(String.class)).isEqualTo("plain string");
    }

    @Test
    void rejectsBadSubscriptionsAtTheCallSite() {
        // (a bad publish fails its future instead: Issue22Test#invalidPublishArgumentsFailTheFuture)
        client = builder(Transport.SSE).build();
        assertThatThrownBy(() -> client.subscribe("bad channel", m -> {})).isInstanceOf(IllegalArgumentException.class);
        client.subscribe("twice", m -> {});
        assertThatThrownBy(() -> client.subscribe("twice", StartPosition.earliest(), m -> {}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RealtimeClient.builder(java.net.URI.create("ws://x/realtime")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeEndsSubscriptionsAndReportsClosed() throws Exception {
        List<ConnectionState> states = new CopyOnWriteArrayList<>();
        client = builder(Transport.SSE).connectionListener((s, t) -> states.add(s)).build();
        Subscription s = client.subscribe("a", m -> {});
        s.ready().get(15, TimeUnit.SECONDS);
        client.close();
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        assertThat(states).endsWith(ConnectionState.CLOSED);
        assertThatThrownBy(() -> client.subscribe("b", m -> {})).isInstanceOf(IllegalStateException.class);
    }
}
