package dev.realtime.it.client;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.TicketSource;
import dev.realtime.client.Transport;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.PublishLoop;
import dev.realtime.it.support.TicketAuthorizer;
import dev.realtime.it.support.TicketServlet;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Java client with connection tickets, on every transport: it connects with a ticket and then
 * its resume token, refreshes before expiry without losing a message (in place on WebSocket), lets
 * go of a channel a refresh took away and keeps the others, and after an unrefreshed expiry comes
 * back with a new ticket from its cursor.
 */
@ExtendWith(ArquillianExtension.class)
class TicketClientIT {
    static final List<Transport> TRANSPORTS = List.of(Transport.WEBSOCKET, Transport.SSE, Transport.LONG_POLLING);

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("client-tickets", Map.of("realtime.authorizer", TicketAuthorizer.class.getName()))
                .addClasses(TicketServlet.class, TicketAuthorizer.class);
    }

    @ArquillianResource
    URL base;
    Http http;
    final List<RealtimeClient> clients = new ArrayList<>();
    final List<PublishLoop> publishers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        http = new Http(base);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (PublishLoop p : publishers) {
            p.join();
        }
        clients.forEach(RealtimeClient::close);
    }

    /** Counts its calls; the n-th (from 1) asks the test servlet for a ticket with {@code query.apply(n)}. */
    final class Tickets implements TicketSource {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        final IntFunction<String> query;

        Tickets(IntFunction<String> query) {
            this.query = query;
        }

        @Override
        public String ticket() {
            int n = calls.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("the ticket endpoint is down (test)");
            }
            return http.send(HttpRequest.newBuilder(http.uri("/test/ticket?" + query.apply(n)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).body();
        }
    }

    RealtimeClient client(Transport transport, TicketSource tickets, Recorder connection) {
        RealtimeClient.Builder b = RealtimeClient.builder(URI.create(base.toString().replaceAll("/$", "") + "/realtime"))
                .transport(transport)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .pollTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(20))
                .connectionListener(connection);
        if (tickets != null) {
            b.tickets(tickets);
        }
        RealtimeClient c = b.build();
        clients.add(c);
        return c;
    }

    PublishLoop publish(int count, long gapMillis, String... channels) {
        PublishLoop loop = PublishLoop.start(http, count, gapMillis, channels); // the server publishes: no ticket needed
        publishers.add(loop);
        return loop;
    }

    /** A client with tickets on {@code transport}, subscribed to {@code channel}. */
    record Subscribed(RealtimeClient client, Recorder connection, Recorder messages) {
    }

    Subscribed subscribed(Transport transport, Tickets tickets, String channel) throws Exception {
        Recorder connection = new Recorder();
        Recorder messages = new Recorder();
        RealtimeClient client = client(transport, tickets, connection);
        client.subscribe(channel, messages).ready().get(20, TimeUnit.SECONDS);
        return new Subscribed(client, connection, messages);
    }

    static List<Integer> numbers(Recorder r) {
        return r.messages.stream().map(m -> m.dataAs(Map.class).get("n")).map(n -> ((Number) n).intValue()).toList();
    }

    static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void aClientWithTicketsIsTheTicketsUserOnEveryTransportAndReusesItsResumeToken() throws Exception {
        for (Transport transport : TRANSPORTS) {
            String members = "members:" + UUID.randomUUID();
            Tickets tickets = new Tickets(n -> "user=ann");
            Subscribed s = subscribed(transport, tickets, members);
            Recorder connection = s.connection();
            Recorder rec = s.messages();
            s.client().publish(members, Map.of("n", 0)).get(20, TimeUnit.SECONDS); // the client's own HTTP publish, as ann
            await(transport + ": the message", () -> rec.messages.size() == 1);
            assertThat(tickets.calls.get()).as(transport + ": one ticket, then the resume token").isEqualTo(1);
            assertThat(connection.errors).as(transport.name()).isEmpty();

            // without a ticket: refused (WebSocket refuses the subscription, SSE and long-polling the request)
            Recorder anonymous = new Recorder();
            client(transport, null, anonymous).subscribe(members, anonymous);
            await(transport + ": the refusal without a ticket", () -> anonymous.errors.stream().anyMatch(
                    e -> e instanceof RealtimeException r && r.code().equals("forbidden")));
            assertThat(anonymous.messages).isEmpty();
        }
    }

    @Test
    void aRefreshBeforeExpiryKeepsTheStreamFlowingWithNoLossOnEveryTransport() throws Exception {
        for (Transport transport : TRANSPORTS) {
            String room = "room:" + UUID.randomUUID();
            Tickets tickets = new Tickets(n -> "user=ann&credentialMs=3000"); // refreshed halfway, every 1.5 s
            Subscribed s = subscribed(transport, tickets, room);
            Recorder connection = s.connection();
            Recorder rec = s.messages();
            PublishLoop publishing = publish(150, 30, room); // about 5 s: two refreshes or more
            await(transport + ": 150 messages", () -> rec.messages.size() >= 150);
            assertThat(publishing.failure()).isNull();
            assertThat(numbers(rec)).as(transport + ": every message, in order, once").isEqualTo(upTo(150));
            assertThat(rec.seen).doesNotContain("gap");
            assertThat(tickets.calls.get()).as(transport + ": refreshed").isGreaterThanOrEqualTo(3);
            assertThat(connection.errors).as(transport + ": never expired").noneMatch(e -> e instanceof RealtimeException r && r.status() == 401);
            if (transport == Transport.WEBSOCKET) {
                assertThat(connection.states).as("refreshed in place: never reconnected").containsExactly("CONNECTING WEBSOCKET", "OPEN WEBSOCKET");
            }
        }
    }

    @Test
    void aRefreshThatTakesAChannelAwayStopsThatChannelOnlyOnEveryTransport() throws Exception {
        for (Transport transport : TRANSPORTS) {
            String room = "room:" + UUID.randomUUID();
            String vip = "vip:" + UUID.randomUUID();
            // the first ticket has the VIP role; every refresh after it does not
            Tickets tickets = new Tickets(n -> n == 1 ? "user=ann&role=vip&credentialMs=3000" : "user=ann&credentialMs=60000");
            Subscribed s = subscribed(transport, tickets, room);
            Recorder rec = s.messages();
            Recorder vipRec = new Recorder();
            s.client().subscribe(vip, vipRec).ready().get(20, TimeUnit.SECONDS);
            PublishLoop publishing = publish(120, 30, room, vip); // about 4 s
            await(transport + ": 120 room messages", () -> rec.messages.size() >= 120);
            assertThat(publishing.failure()).isNull();
            assertThat(numbers(rec)).as(transport + ": every room message, in order, once").isEqualTo(upTo(120));
            assertThat(vipRec.errors).as(transport + ": the VIP subscription refused by name").hasSize(1);
            assertThat(((RealtimeException) vipRec.errors.get(0)).code()).isEqualTo("forbidden");
            List<Integer> vipSeen = numbers(vipRec);
            assertThat(vipSeen).as(transport + ": VIP messages until the refresh, none lost").isEqualTo(upTo(vipSeen.size()));
            assertThat(vipSeen.size()).isLessThan(120);
        }
    }

    @Test
    void afterAnUnrefreshedExpiryTheClientComesBackWithANewTicketFromItsCursor() throws Exception {
        for (Transport transport : TRANSPORTS) {
            String room = "room:" + UUID.randomUUID();
            Tickets tickets = new Tickets(n -> "user=ann&credentialMs=1500");
            Subscribed s = subscribed(transport, tickets, room);
            Recorder connection = s.connection();
            Recorder rec = s.messages();
            tickets.failing.set(true); // the refresh fails: the credential runs out
            if (transport == Transport.LONG_POLLING) {
                // a held poll is answered normally at expiry (wire protocol, "Refresh and expiry"); the client
                // never presents a token that ran out, so its next poll asks the failing source: no_ticket
                Thread.sleep(1_600);
                int before = connection.errors.size();
                await(transport + ": a poll that has no credential", () -> connection.errors.stream().skip(before).anyMatch(
                        e -> e instanceof RealtimeException r && r.code().equals("no_ticket")));
            } else {
                // the server ends the connection at expiry
                await(transport + ": the expiry", () -> connection.errors.stream().anyMatch(
                        e -> e instanceof RealtimeException r && r.status() == 401));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(http.publish(room, "{\"n\":" + i + "}").statusCode()).isEqualTo(202);
            }
            tickets.failing.set(false);
            await(transport + ": what was published meanwhile", () -> rec.messages.size() >= 5);
            assertThat(numbers(rec)).as(transport.name()).isEqualTo(upTo(5));
            assertThat(rec.seen).doesNotContain("gap");
        }
    }
}
