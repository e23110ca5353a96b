package dev.realtime.it.tickets;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.TicketAuthorizer;
import dev.realtime.it.support.TicketPeer;
import dev.realtime.it.support.TicketServlet;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection tickets on every transport (docs/wire-protocol-v1.md, version 1.1): a ticket admits
 * once; replay, expiry, a wrong signature and another node's ticket without the shared key are
 * refused with their codes; the authorizer sees the ticket's user and roles; channels a ticket does
 * not allow are refused by name while the others flow. Three applications in one Tomcat stand for
 * three nodes: two share a key, one has its own.
 */
@ExtendWith(ArquillianExtension.class)
class TicketsIT {
    static final String SHARED_KEY = "integration-test shared ticket key, 32 bytes or more";

    @Deployment(name = "a", testable = false)
    static WebArchive nodeA() {
        return node("ticketsa", Map.of("realtime.ticket.key", SHARED_KEY, "realtime.authorizer", TicketAuthorizer.class.getName()));
    }

    @Deployment(name = "b", testable = false)
    static WebArchive nodeB() {
        return node("ticketsb", Map.of("realtime.ticket.key", SHARED_KEY));
    }

    /** A node that was not given the shared key: it signs with a key of its own. */
    @Deployment(name = "lone", testable = false)
    static WebArchive lone() {
        return node("ticketslone", Map.of());
    }

    static WebArchive node(String name, Map<String, String> params) {
        return Deployments.war(name, params).addClasses(TicketServlet.class, TicketAuthorizer.class);
    }

    @ArquillianResource
    @OperateOnDeployment("a")
    URL a;
    @ArquillianResource
    @OperateOnDeployment("b")
    URL b;
    @ArquillianResource
    @OperateOnDeployment("lone")
    URL lone;

    TicketPeer onA;
    String room;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        onA = new TicketPeer(new Http(a));
        room = "room:" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    @Test
    void aTicketAdmitsOnceOnEveryTransportAndItsReplayIsRefused() throws Exception {
        for (TicketPeer.Way way : TicketPeer.Way.values()) {
            String ticket = onA.ticket("user=ann");
            TicketPeer.Outcome first = track(onA.connect(way, ticket, room));
            assertThat(first.status()).as(way + ": " + first.body()).isEqualTo(200);
            assertThat(first.token()).as(way + " resume token").startsWith("rt1.").isNotEqualTo(ticket);
            assertThat(first.expiresIn()).as(way.name()).isPositive().isLessThanOrEqualTo(3_600_000);

            TicketPeer.Outcome replay = track(onA.connect(way, ticket, room));
            assertThat(replay.status()).as(way + " replay").isEqualTo(401);
            assertThat(replay.code()).as(way + " replay").isEqualTo("ticket_used");
        }
    }

    @Test
    void aBrowserOffersItsTicketAsASubprotocolAndGetsRealtimeV1Back() {
        String ticket = onA.ticket("user=ann");
        WsClient ws = track(new WsClient(onA.http.ws("?channel=" + enc(room)), Map.of(),
                List.of("realtime.v1", "realtime.ticket." + ticket)));
        assertThat(ws.socket.getSubprotocol()).isEqualTo("realtime.v1");
        assertThat(ws.next("authenticated").getString("token")).startsWith("rt1.");
        assertThat(ws.next("subscribed").getString("channel")).isEqualTo(room);
    }

    @Test
    void expiredTamperedGarbageAndUrlTokensAreRefusedOnEveryTransport() throws Exception {
        String token = track(onA.connect(TicketPeer.Way.POLL, onA.ticket("user=ann"), room)).token();
        for (TicketPeer.Way way : TicketPeer.Way.values()) {
            String expiring = onA.ticket("user=ann&validMs=1");
            Thread.sleep(20);
            assertRefused(onA.connect(way, expiring, room), 401, "ticket_expired", way);

            String ticket = onA.ticket("user=ann");
            String[] parts = ticket.split("\\.");
            String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"ann\"", "\"eve\"");
            String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
            assertRefused(onA.connect(way, tampered, room), 401, "invalid_ticket", way);
            assertRefused(onA.connect(way, "not-a-ticket", room), 401, "invalid_ticket", way);
            assertThat(track(onA.connect(way, ticket, room)).status()).as(way + ": the untampered ticket still works").isEqualTo(200);
        }
        // a resume token is a credential that lasts: never from a URL
        assertError(onA.http.get("/realtime/poll?timeout=0&channel=" + enc(room) + "&ticket=" + enc(token)), 401, "invalid_ticket");
        // and a ticket in the URL, for clients that can do nothing else, works once
        String inUrl = onA.ticket("user=ann");
        assertThat(onA.http.get("/realtime/poll?timeout=0&channel=" + enc(room) + "&ticket=" + enc(inUrl)).statusCode()).isEqualTo(200);
        assertError(onA.http.get("/realtime/poll?timeout=0&channel=" + enc(room) + "&ticket=" + enc(inUrl)), 401, "ticket_used");
    }

    @Test
    void anotherNodesTicketIsAcceptedWithTheSharedKeyAndRefusedWithout() throws Exception {
        TicketPeer onB = new TicketPeer(new Http(b));
        TicketPeer onLone = new TicketPeer(new Http(lone));
        for (TicketPeer.Way way : TicketPeer.Way.values()) {
            assertThat(track(onB.connect(way, onA.ticket("user=ann"), room)).status()).as(way + ": A's ticket on B").isEqualTo(200);
            assertRefused(onLone.connect(way, onA.ticket("user=ann"), room), 401, "invalid_ticket", way);
            assertRefused(onA.connect(way, onLone.ticket("user=ann"), room), 401, "invalid_ticket", way);
        }
        // a resume token B handed out works on A too: a client falls over to another node without a new ticket
        String tokenFromB = track(onB.connect(TicketPeer.Way.SSE, onA.ticket("user=ann"), room)).token();
        assertThat(track(onA.connect(TicketPeer.Way.POLL, tokenFromB, room)).status()).isEqualTo(200);
    }

    @Test
    void theAuthorizerSeesTheTicketsUserAndRolesOnEveryTransport() throws Exception {
        for (TicketPeer.Way way : TicketPeer.Way.values()) {
            assertThat(track(onA.connect(way, onA.ticket("user=ann"), "private:ann:inbox")).status()).as(way.name()).isEqualTo(200);
            assertRefused(onA.connect(way, onA.ticket("user=bob"), "private:ann:inbox"), 403, "forbidden", way);
            assertRefused(onA.connect(way, onA.ticket("user=ann"), "vip:lounge"), 403, "forbidden", way);
            assertThat(track(onA.connect(way, onA.ticket("user=ann&role=vip"), "vip:lounge")).status()).as(way.name()).isEqualTo(200);
        }
        // without a ticket there is no user: members' channels are closed, as is publishing
        assertError(onA.http.get("/realtime/poll?timeout=0&channel=members:news"), 403, "forbidden");
        assertError(onA.http.publish("members:news", "1"), 403, "forbidden");
        HttpResponse<String> published = onA.publish("members:news", "1", onA.ticket("user=ann"));
        assertThat(published.statusCode()).as(published.body()).isEqualTo(202);
        assertThat(published.headers().firstValue("Realtime-Token")).hasValueSatisfying(t -> assertThat(t).startsWith("rt1."));
    }

    /**
     * Protocol 1.1 presence with a ticket: the member is the ticket's user whatever id the client names,
     * on every transport; the HTTP snapshot presents a ticket too; a WebSocket refresh whose ticket no
     * longer allows a joined channel ends that membership.
     */
    @Test
    void aTicketsUserIsThePresenceMemberOnEveryTransport() throws Exception {
        String poll = "members:poll:" + UUID.randomUUID(); // members:* needs a user: only a ticket gets in
        HttpResponse<String> joined = onA.poll(onA.ticket("user=ann"), "v=1.1&timeout=0&member=mallory&join=" + enc(poll));
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        assertThat(members(poll)).containsExactly("ann"); // held for the poll grace after the answer

        String sse = "members:sse:" + UUID.randomUUID();
        track(new SseClient(onA.http.uri("/realtime/sse?v=1.1&member=mallory&join=" + enc(sse)), null,
                Map.of("Realtime-Ticket", onA.ticket("user=bob"))));
        awaitMembers(sse, "bob");

        String ws = "members:ws:" + UUID.randomUUID();
        WsClient socket = track(new WsClient(onA.http.ws("?v=1.1"), Map.of("Realtime-Ticket", onA.ticket("user=cid")), List.of()));
        socket.next("authenticated");
        socket.send("{\"type\":\"join\",\"channel\":\"" + ws + "\",\"member\":\"mallory\",\"ref\":1}");
        assertThat(socket.next("joined").getString("member")).isEqualTo("cid");
        assertThat(members(ws)).containsExactly("cid");

        // a refresh for channels that leave this one out: the membership ends with it
        socket.send("{\"type\":\"auth\",\"ticket\":\"" + onA.ticket("user=cid&channel=room:*") + "\",\"ref\":2}");
        socket.next("authenticated");
        assertThat(socket.next("left").getString("channel")).isEqualTo(ws);
        assertThat(members(ws)).isEmpty();
    }

    /** The channel's member ids over {@code GET /presence}, asked with a ticket of its own. */
    List<String> members(String channel) {
        HttpResponse<String> r = onA.send(HttpRequest.newBuilder(onA.http.uri("/realtime/presence?channel=" + enc(channel)))
                .header("Realtime-Ticket", onA.ticket("user=eve")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r.body()).getJsonArray("members").stream().map(m -> m.asJsonObject().getString("member")).toList();
    }

    void awaitMembers(String channel, String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!members(channel).equals(List.of(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(members(channel)).containsExactly(expected);
    }

    @Test
    void channelsOutsideTheTicketAreRefusedByNameWhileTheOthersFlow() throws Exception {
        String other = "other:" + UUID.randomUUID();

        JsonObject poll = Http.json(onA.poll(onA.ticket("user=ann&channel=room:*"), "timeout=0", room, other));
        assertThat(poll.getJsonArray("refused")).hasSize(1);
        assertThat(poll.getJsonArray("refused").getJsonObject(0).getString("channel")).isEqualTo(other);
        assertThat(poll.getJsonArray("refused").getJsonObject(0).getString("code")).isEqualTo("forbidden");

        TicketPeer.Outcome sse = track(onA.connect(TicketPeer.Way.SSE, onA.ticket("user=ann&channel=room:*"), room, other));
        List<String> refusal = sse.sse().nextEvent();
        assertThat(SseClient.field(refusal, "event")).isEqualTo("error");
        assertThat(Http.json(SseClient.field(refusal, "data")).getString("channel")).isEqualTo(other);

        TicketPeer.Outcome ws = track(onA.connect(TicketPeer.Way.WEBSOCKET, onA.ticket("user=ann&channel=room:*"), room, other));
        JsonObject error = ws.ws().next("error");
        assertThat(error.getString("code")).isEqualTo("forbidden");
        assertThat(error.getString("channel")).isEqualTo(other);
        assertThat(ws.ws().next("subscribed").getString("channel")).isEqualTo(room);

        assertThat(onA.http.publish(room, "{\"n\":1}").statusCode()).isEqualTo(202);
        assertThat(ws.ws().next("message").getString("channel")).isEqualTo(room);
        assertThat(Http.json(SseClient.field(sse.sse().nextEvent(), "data")).getString("channel")).isEqualTo(room);
        // a subscription the ticket does not allow, asked later, is refused alone
        ws.ws().send("{\"type\":\"subscribe\",\"channel\":\"" + other + "\",\"ref\":7}");
        assertThat(ws.ws().next("error").getString("channel")).isEqualTo(other);
    }

    @Test
    void aHeldPollIsAnsweredWhenItsCredentialExpiresAndItsTokenIsThenRefusedUntilANewTicket() throws Exception {
        HttpResponse<String> first = onA.send(HttpRequest.newBuilder(onA.http.uri("/realtime/poll?timeout=0&channel=" + enc(room)))
                .header("Realtime-Ticket", onA.ticket("user=ann&credentialMs=1500")).build());
        String token = first.headers().firstValue("Realtime-Token").orElseThrow();
        String cursor = Http.json(first).getString("cursor");
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> onA.send(HttpRequest.newBuilder(
                onA.http.uri("/realtime/poll?timeout=60000&channel=" + enc(room) + "&since=" + enc(cursor)))
                .header("Realtime-Ticket", token).build()));
        HttpResponse<String> answered = held.get(20, TimeUnit.SECONDS); // held for 60 s otherwise
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(Http.json(answered).getJsonArray("messages")).isEmpty();

        assertThat(onA.http.publish(room, "{\"n\":\"meanwhile\"}").statusCode()).isEqualTo(202);
        HttpResponse<String> expired = onA.send(HttpRequest.newBuilder(onA.http.uri("/realtime/poll?timeout=0&channel=" + enc(room)
                + "&since=" + enc(cursor))).header("Realtime-Ticket", token).build());
        assertError(expired, 401, "credential_expired");
        assertThat(expired.headers().firstValue("WWW-Authenticate")).hasValue("Realtime-Ticket");
        // with a new ticket the client resumes from its cursor and loses nothing
        JsonObject resumed = Http.json(onA.poll(onA.ticket("user=ann"), "timeout=0&since=" + enc(cursor), room));
        assertThat(resumed.getJsonArray("messages").getJsonObject(0).getJsonObject("data").getString("n")).isEqualTo("meanwhile");
    }

    @Test
    void anUnrefreshedWebSocketGetsCredentialExpiredThenClose4401() throws Exception {
        TicketPeer.Outcome ws = track(onA.connect(TicketPeer.Way.WEBSOCKET, onA.ticket("user=ann&credentialMs=1500"), room));
        assertThat(ws.expiresIn()).isLessThanOrEqualTo(1500);
        assertThat(ws.ws().next("subscribed").getString("channel")).isEqualTo(room);
        JsonObject error = ws.ws().next("error"); // within 10 s
        assertThat(error.getString("code")).isEqualTo("credential_expired");
        assertThat(ws.ws().closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
    }

    @Test
    void anUnrefreshedSseStreamEndsWithACredentialExpiredEvent() throws Exception {
        TicketPeer.Outcome sse = track(onA.connect(TicketPeer.Way.SSE, onA.ticket("user=ann&credentialMs=1500"), room));
        List<String> event = sse.sse().nextEvent();
        assertThat(SseClient.field(event, "event")).isEqualTo("error");
        assertThat(Http.json(SseClient.field(event, "data")).getString("code")).isEqualTo("credential_expired");
        assertThat(sse.sse().nextEvent()).containsExactly(SseClient.END);
    }

    static void assertRefused(TicketPeer.Outcome o, int status, String code, Object way) {
        try (o) {
            assertThat(o.status()).as(way + ": " + o.body()).isEqualTo(status);
            assertThat(o.code()).as(String.valueOf(way)).isEqualTo(code);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
