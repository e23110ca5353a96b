package dev.realtime.it.attack;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.ErrorAssert;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.TicketAuthorizer;
import dev.realtime.it.support.TicketPeer;
import dev.realtime.it.support.TicketServlet;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on a ticket refresh to fewer rights (protocol 1.1), from a client that keeps asking for what
 * it lost: a refreshed credential must end every live right the new one no longer grants, on every
 * transport: presence memberships, presence watches, and the channels a pattern matched. The poll
 * grace and the parked-session linger are long (30 s) so that "ended" cannot be mistaken for "expired".
 */
@ExtendWith(ArquillianExtension.class)
class RefreshRevokesLiveRightsIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("refresh-revokes", Map.of(
                        "realtime.authorizer", StaffAuthorizer.class.getName(),
                        "realtime.presence.pollGrace", "30s",
                        "realtime.poll.linger", "30s",
                        "realtime.sse.probeInterval", "500ms"))
                .addClasses(TicketServlet.class, TicketAuthorizer.class, StaffAuthorizer.class);
    }

    @ArquillianResource
    URL base;
    TicketPeer peer;
    String room;
    String vip;
    final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        peer = new TicketPeer(new Http(base));
        room = "room:" + UUID.randomUUID();
        vip = "vip:" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    /** The members of a channel, as a VIP service account sees them. */
    List<String> members(String channel) {
        HttpResponse<String> r = peer.send(HttpRequest.newBuilder(peer.http.uri("/realtime/presence?channel=" + enc(channel)))
                .header("Realtime-Ticket", peer.ticket("user=svc&role=vip")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r).getJsonArray("members").stream().map(v -> v.asJsonObject().getString("member")).toList();
    }

    void awaitGone(String member, String channel, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (members(channel).contains(member)) {
            if (System.nanoTime() > end) {
                throw new AssertionError(member + " still a member of " + channel + " after " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    WsClient ws(String query, String credential) {
        return track(new WsClient(peer.http.ws(query), Map.of("Realtime-Ticket", credential), List.of()));
    }

    /**
     * Ann polls the room with {@code params} as a VIP, then again with her resume token and the cursor:
     * that session is parked for her next poll, under the cursor returned.
     */
    String pollAsVipAndPark(String params) {
        HttpResponse<String> first = peer.poll(peer.ticket("user=ann&role=vip"), params, room);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String token = first.headers().firstValue("Realtime-Token").orElseThrow();
        HttpResponse<String> second = peer.poll(token, params + "&since=" + enc(Http.json(first).getString("cursor")), room);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        return Http.json(second).getString("cursor");
    }

    @Test
    void aPollRefreshedWithoutTheRightToAJoinedChannelEndsTheMembershipAtOnceThoughItsParkedSessionMatches() throws Exception {
        String params = "v=1.1&timeout=0&join=" + enc(vip);
        String cursor = pollAsVipAndPark(params);
        assertThat(members(vip)).containsExactly("ann");

        // the refresh: same user, no VIP role; the client keeps asking to join, with the parked session's cursor
        HttpResponse<String> refreshed = peer.poll(peer.ticket("user=ann"), params + "&since=" + enc(cursor), room);
        ErrorAssert.assertError(refreshed, 403, "forbidden");
        awaitGone("ann", vip, 5); // not after the 30 s grace: the new credential ended it

        // and the resume token of the refresh cannot bring it back either
        String newToken = refreshed.headers().firstValue("Realtime-Token").orElseThrow();
        ErrorAssert.assertError(peer.poll(newToken, params + "&since=" + enc(cursor), room), 403, "forbidden");
        assertThat(members(vip)).doesNotContain("ann");
    }

    @Test
    void aPollRefreshedWithoutTheRightToAWatchedChannelNoLongerTakesOverTheWatchingSession() throws Exception {
        String params = "v=1.1&timeout=0&presence=" + enc(vip);
        String cursor = pollAsVipAndPark(params);
        // bob joins the VIP channel while ann's session is parked: the watch queues his join
        WsClient bob = ws("?v=1.1", peer.ticket("user=bob&role=vip"));
        bob.next("authenticated");
        bob.send("{\"type\":\"join\",\"channel\":\"" + vip + "\"}").next("joined");

        HttpResponse<String> refreshed = peer.poll(peer.ticket("user=ann"), params + "&since=" + enc(cursor), room);
        assertThat(refreshed.body()).as("no VIP presence after the refresh").doesNotContain("bob");
        ErrorAssert.assertError(refreshed, 403, "forbidden");
    }

    @Test
    void aWebSocketRefreshedWithoutTheRightToAWatchedChannelStopsItsPresenceEvents() throws Exception {
        WsClient ann = ws("?v=1.1&channel=" + enc(room) + "&presence=" + enc(vip), peer.ticket("user=ann&role=vip"));
        ann.next("authenticated");
        ann.next("subscribed");
        assertThat(ann.next("presence").getString("action")).isEqualTo("sync");

        ann.send("{\"type\":\"auth\",\"ticket\":\"" + peer.ticket("user=ann") + "\"}");
        ann.next("authenticated");
        WsClient bob = ws("?v=1.1", peer.ticket("user=bob&role=vip"));
        bob.next("authenticated");
        bob.send("{\"type\":\"join\",\"channel\":\"" + vip + "\"}").next("joined");
        // a message on the room after bob's join: everything ann gets before it is checked
        assertThat(peer.http.publish(room, "{\"after\":\"join\"}").statusCode()).isEqualTo(202);
        List<JsonObject> seen = new ArrayList<>();
        JsonObject f;
        do {
            f = ann.next();
            seen.add(f);
        } while (!"message".equals(f.getString("type")));
        assertThat(seen).as("no presence event of the VIP channel after the refresh")
                .noneMatch(x -> "presence".equals(x.getString("type")));
        assertThat(seen).anyMatch(x -> "unsubscribed".equals(x.getString("type")) && vip.equals(x.getString("channel")));
        assertThat(seen).anyMatch(x -> "error".equals(x.getString("type")) && vip.equals(x.getString("channel"))
                && "forbidden".equals(x.getString("code")));
    }

    @Test
    void aWebSocketRefreshedWithoutARoleStopsThePatternsMatchedChannelsThatNeedIt() throws Exception {
        String staff = room + ":staff";
        String lobby = room + ":lobby";
        WsClient ann = ws("?v=1.1", peer.ticket("user=ann&role=staff"));
        ann.next("authenticated");
        ann.send("{\"type\":\"subscribe\",\"channel\":\"" + room + ":*\"}").next("subscribed");
        assertThat(peer.http.publish(staff, "{\"n\":1}").statusCode()).isEqualTo(202);
        assertThat(ann.next("message").getString("channel")).isEqualTo(staff); // allowed, and the answer remembered

        ann.send("{\"type\":\"auth\",\"ticket\":\"" + peer.ticket("user=ann") + "\"}");
        ann.next("authenticated");
        assertThat(peer.http.publish(staff, "{\"n\":2}").statusCode()).isEqualTo(202);
        assertThat(peer.http.publish(lobby, "{\"n\":3}").statusCode()).isEqualTo(202);
        JsonObject next = ann.next("message");
        assertThat(next.getString("channel")).as("the staff channel after losing the role: " + next).isEqualTo(lobby);
        assertThat(ann.drain(Duration.ofMillis(300))).noneMatch(x -> staff.equals(x.getString("channel", "")));
    }

    @Test
    void anSseStreamReplacedByOneWithFewerRightsEndsTheMembershipWhenTheOldOneCloses() throws Exception {
        SseClient old = track(new SseClient(peer.http.uri("/realtime/sse?v=1.1&channel=" + enc(room) + "&join=" + enc(vip)), null,
                Map.of("Realtime-Ticket", peer.ticket("user=ann&role=vip"))));
        assertThat(old.nextLine()).startsWith("retry:");
        assertThat(members(vip)).containsExactly("ann");
        // the refresh: the new stream cannot join the VIP channel (refused whole), a stream without the join opens
        SseClient refused = track(new SseClient(peer.http.uri("/realtime/sse?v=1.1&channel=" + enc(room) + "&join=" + enc(vip)), null,
                Map.of("Realtime-Ticket", peer.ticket("user=ann"))));
        assertThat(refused.response.statusCode()).isEqualTo(403);
        SseClient fresh = track(new SseClient(peer.http.uri("/realtime/sse?v=1.1&channel=" + enc(room)), null,
                Map.of("Realtime-Ticket", peer.ticket("user=ann"))));
        assertThat(fresh.nextLine()).startsWith("retry:");
        old.close();
        awaitGone("ann", vip, 5);
    }
}
