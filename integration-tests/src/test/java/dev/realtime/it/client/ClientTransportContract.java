package dev.realtime.it.client;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.PublishAck;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.StartPosition;
import dev.realtime.client.Subscription;
import dev.realtime.client.Transport;
import dev.realtime.it.support.Http;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client against the real server over one transport. Each subclass deploys the WAR
 * (history of 10 messages per channel) and names the transport.
 */
abstract class ClientTransportContract {

    /** A long-poll member leaves its grace after its last poll: 2 s here, so a leave shows within the tests' waits. */
    static final Map<String, String> PARAMS = Map.of("realtime.history.size", "10", "realtime.presence.pollGrace", "2s");

    @ArquillianResource
    URL base;

    final List<RealtimeClient> clients = new ArrayList<>();
    String channel;

    abstract Transport transport();

    RealtimeClient.Builder builder() {
        return RealtimeClient.builder(realtimeBase())
                .transport(transport())
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .pollTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(20));
    }

    RealtimeClient client(Recorder connectionRecorder) {
        RealtimeClient c = builder().connectionListener(connectionRecorder).build();
        clients.add(c);
        return c;
    }

    URI realtimeBase() {
        return URI.create(base.toString().replaceAll("/$", "") + "/realtime");
    }

    /** Waits until the server holds nothing more of a closed client (see {@link LongPollClientIT}). */
    void forgetClosedClient() throws InterruptedException {
    }

    /** Drops every realtime connection on the server, through the lead's test-only servlet. */
    int dropAllConnections() {
        Http http = new Http(base);
        String body = http.send(HttpRequest.newBuilder(http.uri("/test/drop"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).body();
        return Integer.parseInt(body.trim());
    }

    /**
     * Drops every connection, again until one was open: between two long-polls the client holds
     * no connection for a moment, and a drop then would test nothing.
     */
    void dropUntilOneWasOpen() throws InterruptedException {
        await("a connection to drop", () -> dropAllConnections() > 0);
    }

    @BeforeEach
    void newChannel() {
        channel = "client:" + UUID.randomUUID();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RealtimeClient::close);
    }

    /**
     * Issue 22 items 1 and 2: closed clients leave no thread and no connection behind, once the
     * closed clients are garbage (on JDK 17 the HTTP client's selector thread ends then).
     */
    @Test
    void closedClientsLeaveNoThreadsOrConnections() throws Exception {
        int port = realtimeBase().getPort();
        long threadsBefore = clientThreads().size();
        long connectionsBefore = establishedTo(port);
        for (int i = 0; i < 5; i++) {
            try (RealtimeClient c = builder().build()) {
                c.subscribe(channel, m -> {}).ready().get(20, TimeUnit.SECONDS);
                c.publish(channel, i).get(20, TimeUnit.SECONDS);
            }
        }
        await("the closed clients' threads to end", () -> {
            System.gc();
            return clientThreads().size() <= threadsBefore;
        });
        await("the closed clients' connections to close", () -> establishedTo(port) <= connectionsBefore);
        assertThat(clientThreads()).hasSizeLessThanOrEqualTo((int) threadsBefore);
    }

    static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (t.getName().startsWith("HttpClient-") || t.getName().startsWith("realtime-client")))
                .map(Thread::getName).toList();
    }

    /** Established TCP connections from this machine to {@code port} (the client ends), from /proc/net. */
    static long establishedTo(int port) {
        String remotePort = String.format(":%04X", port);
        long n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[2].endsWith(remotePort) && f[3].equals("01")) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void deliversMessagesWithTheAckedIdsInOrder() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = client(rec);
        client.subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
        assertThat(client.transport()).isEqualTo(transport());
        assertThat(client.state()).isEqualTo(ConnectionState.OPEN);

        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            PublishAck ack = client.publish(channel, Map.of("n", i)).get(10, TimeUnit.SECONDS);
            assertThat(ack.channel()).isEqualTo(channel);
            acked.add(ack.id());
        }
        PublishAck typed = client.publishJson(channel, "chat", "{\"text\":\"hi\"}").get(10, TimeUnit.SECONDS);
        acked.add(typed.id());

        await("6 messages", () -> rec.seen.size() >= 6);
        Thread.sleep(300); // a duplicate would show up now
        assertThat(rec.seen).containsExactlyElementsOf(acked);
        assertThat(rec.messages.get(0).dataAs(Map.class)).containsEntry("n", java.math.BigDecimal.ONE);
        assertThat(rec.messages.get(0).event()).isEqualTo("message");
        assertThat(rec.messages.get(5).event()).isEqualTo("chat");
        assertThat(rec.messages.get(5).data()).isEqualTo("{\"text\":\"hi\"}");
        assertThat(rec.messages.get(5).ts()).isPositive();
        assertThat(client.cursor()).isNotBlank();
    }

    @Test
    void resumesWithoutLossOrDuplicatesAfterTheServerDropsTheConnection() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = client(rec);
        client.subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
        RealtimeClient publisher = client(new Recorder());
        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            acked.add(publisher.publishJson(channel, String.valueOf(i)).get(10, TimeUnit.SECONDS).id());
        }
        await("3 messages", () -> rec.seen.size() >= 3);

        dropUntilOneWasOpen();
        // published while the client is away: must come with the resume
        for (int i = 4; i <= 6; i++) {
            acked.add(publisher.publishJson(channel, String.valueOf(i)).get(10, TimeUnit.SECONDS).id());
        }
        await("6 messages", () -> rec.seen.size() >= 6);
        Thread.sleep(300);
        assertThat(rec.seen).containsExactlyElementsOf(acked);
        await("reopened", () -> client.state() == ConnectionState.OPEN);
        if (transport() != Transport.LONG_POLLING) {
            // a dropped long-poll is answered like any other poll: the client just polls again
            assertThat(rec.states).contains("RECONNECTING " + transport());
        }
        assertThat(client.transport()).isEqualTo(transport());
    }

    @Test
    void aDropBeforeAnyMessageLosesNothingPublishedAfterReady() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = client(rec);
        client.subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
        RealtimeClient publisher = client(new Recorder());

        dropUntilOneWasOpen();
        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            acked.add(publisher.publishJson(channel, String.valueOf(i)).get(10, TimeUnit.SECONDS).id());
        }
        await("3 messages", () -> rec.seen.size() >= 3);
        Thread.sleep(300);
        assertThat(rec.seen).containsExactlyElementsOf(acked);
    }

    /**
     * A cursor the server cannot read is {@code invalid_cursor}: a client bug, not a gap (as the wire
     * protocol, the JavaScript client and frames.json of the shared fixtures have it). The client
     * reports the error, restarts the channel at "now", and the channel then flows.
     */
    @Test
    void aCursorTheServerCannotReadIsAnErrorNotAGapAndTheChannelRestartsAtNow() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = client(rec);
        Subscription sub = client.subscribe(channel, StartPosition.after("not-a-cursor"), rec);
        await("the invalid_cursor error", () -> rec.errors.stream()
                .anyMatch(e -> e instanceof RealtimeException re && re.code().equals("invalid_cursor")));
        sub.ready().get(20, TimeUnit.SECONDS);
        String id = client(new Recorder()).publishJson(channel, "1").get(10, TimeUnit.SECONDS).id();
        await("the message published after the restart", () -> rec.seen.contains(id));
        assertThat(rec.seen).as("no gap, only the message").containsExactly(id);
    }

    @Test
    void reportsAGapWhenHistoryNoLongerReachesTheCursor() throws Exception {
        Recorder first = new Recorder();
        RealtimeClient a = client(first);
        a.subscribe(channel, first).ready().get(10, TimeUnit.SECONDS);
        a.publishJson(channel, "0").get(10, TimeUnit.SECONDS);
        await("first message", () -> first.seen.size() == 1);
        String cursor = a.cursor();
        a.close();
        forgetClosedClient();

        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 25; i++) { // the server keeps 10
            acked.add(publishOver(channel, String.valueOf(i)));
        }
        Recorder rec = new Recorder();
        RealtimeClient b = client(rec);
        b.subscribe(channel, StartPosition.after(cursor), rec);
        await("gap and 10 messages", () -> rec.seen.size() >= 11);
        Thread.sleep(300);
        List<String> expected = new ArrayList<>();
        expected.add("gap");
        expected.addAll(acked.subList(15, 25));
        assertThat(rec.seen).containsExactlyElementsOf(expected);
    }

    @Test
    void earliestReplaysRetainedHistoryWithoutAGap() throws Exception {
        List<String> acked = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            acked.add(publishOver(channel, String.valueOf(i)));
        }
        Recorder rec = new Recorder();
        RealtimeClient client = client(rec);
        client.subscribe(channel, StartPosition.earliest(), rec).ready().get(10, TimeUnit.SECONDS);
        acked.add(client.publishJson(channel, "5").get(10, TimeUnit.SECONDS).id());
        await("5 messages", () -> rec.seen.size() >= 5);
        Thread.sleep(300);
        assertThat(rec.seen).containsExactlyElementsOf(acked);
    }

    @Test
    void changingSubscriptionsLosesNothingOnTheChannelsAlreadyLive() throws Exception {
        Recorder a = new Recorder();
        RealtimeClient client = client(a);
        client.subscribe(channel, a).ready().get(10, TimeUnit.SECONDS);
        RealtimeClient publisher = client(new Recorder());
        List<String> acked = new ArrayList<>();
        acked.add(publisher.publishJson(channel, "1").get(10, TimeUnit.SECONDS).id());

        // add a channel from its history while messages keep coming on the first one
        String other = channel + ":other";
        String otherOld = publishOver(other, "\"old\"");
        Recorder b = new Recorder();
        Subscription sb = client.subscribe(other, StartPosition.earliest(), b);
        for (int i = 2; i <= 6; i++) {
            acked.add(publisher.publishJson(channel, String.valueOf(i)).get(10, TimeUnit.SECONDS).id());
        }
        sb.ready().get(10, TimeUnit.SECONDS);
        String otherNew = publisher.publishJson(other, "\"new\"").get(10, TimeUnit.SECONDS).id();
        await("2 messages on the other", () -> b.seen.size() >= 2);

        // and remove it again while messages keep coming: nothing reaches its listener any more
        sb.cancel();
        for (int i = 7; i <= 9; i++) {
            acked.add(publisher.publishJson(channel, String.valueOf(i)).get(10, TimeUnit.SECONDS).id());
        }
        publisher.publishJson(other, "\"after cancel\"").get(10, TimeUnit.SECONDS);

        await("9 messages on the first channel", () -> a.seen.size() >= 9);
        Thread.sleep(300);
        assertThat(a.seen).containsExactlyElementsOf(acked);
        assertThat(b.seen).containsExactly(otherOld, otherNew);
    }

    // ---------------------------------------------------------------- protocol 1.1

    @Test
    void aPatternDeliversItsChannelsAndEphemeralMessagesArriveLiveWithoutId() throws Exception {
        RealtimeClient client = client(new Recorder());
        Recorder r = new Recorder();
        String family = "fam" + UUID.randomUUID().toString().substring(0, 8);
        client.subscribe(family + ":*", StartPosition.now(), r).ready().get(15, TimeUnit.SECONDS);
        String one = publishOver(family + ":1", "1");
        publishOver(family + ":1:deeper", "0");
        RealtimeClient publisher = client(new Recorder());
        PublishAck ack = publisher.publishEphemeral(family + ":2", "typing", Map.of("user", "ann")).get(10, TimeUnit.SECONDS);
        assertThat(ack.id()).isNull();
        String two = publishOver(family + ":2", "2");
        await("3 messages", () -> r.messages.size() >= 3);
        Thread.sleep(200);
        assertThat(r.messages).extracting(m -> m.channel()).containsExactly(family + ":1", family + ":2", family + ":2");
        assertThat(r.messages.get(0).id()).isEqualTo(one);
        assertThat(r.messages.get(1).ephemeral()).isTrue();
        assertThat(r.messages.get(1).event()).isEqualTo("typing");
        assertThat(r.messages.get(2).id()).isEqualTo(two);
    }

    @Test
    void presenceIsWatchedAndJoinedOverTheClientsConnection() throws Exception {
        RealtimeClient watcher = client(new Recorder());
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<List<dev.realtime.client.PresenceMember>> lists = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.realtime.client.PresenceWatch watch = watcher.presence(channel, (e, members) -> {
            events.add(e.action() + (e.member() == null ? "" : " " + e.member()));
            lists.add(members);
        });
        await("the sync", () -> events.contains("sync"));
        RealtimeClient member = client(new Recorder());
        dev.realtime.client.PresenceMembership ann = member.join(channel, "ann", "{\"nick\":\"Ann\"}");
        await("ann's join", () -> events.contains("join ann"));
        assertThat(watch.members()).extracting(m -> m.member()).containsExactly("ann");
        assertThat(watch.members().get(0).info()).isEqualTo("{\"nick\":\"Ann\"}");
        assertThat(watcher.members(channel).get(10, TimeUnit.SECONDS)).extracting(m -> m.member()).containsExactly("ann");
        ann.leave();
        await("ann's leave", () -> events.contains("leave ann"));
        assertThat(watch.members()).isEmpty();
        watch.close();
    }

    /** Publishes with a plain HTTP request, independent of the client under test. */
    String publishOver(String ch, String json) {
        var r = new Http(base).publish(ch, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Http.json(r).getString("id");
    }
}
