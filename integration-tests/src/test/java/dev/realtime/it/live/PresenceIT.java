package dev.realtime.it.live;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.TestAuthorizer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.ErrorAssert.handshakeRefusal;
import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence (protocol 1.1) over real connections on every transport: members joined over WebSocket,
 * SSE and long-polling seen by watchers on each of them and in the HTTP snapshot; a member with two
 * connections joins once; a long-poll member stays between polls for its grace; refusals carry the
 * protocol's codes; a 1.0 connection sees none of it.
 */
@ExtendWith(ArquillianExtension.class)
class PresenceIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("presence", Map.of(
                "realtime.presence.pollGrace", "2s",
                "realtime.poll.linger", "0",
                "realtime.presence.maxMembers", "4",
                "realtime.presence.maxInfoSize", "64",
                "realtime.authorizer", TestAuthorizer.class.getName())).addClass(TestAuthorizer.class);
    }

    @ArquillianResource
    URL base;
    Http http;
    String room;
    final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        http = new Http(base);
        room = "room:" + UUID.randomUUID();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T c) {
        clients.add(c);
        return c;
    }

    WsClient ws(String query) {
        return track(new WsClient(http.ws(query)));
    }

    SseClient sse(String query) throws Exception {
        SseClient c = track(new SseClient(http.uri("/realtime/sse" + query), null));
        assertThat(c.nextLine()).startsWith("retry:");
        return c;
    }

    /** The next {@code $presence} event of an SSE stream (skipping messages). */
    static JsonObject nextPresence(SseClient sse) throws InterruptedException {
        while (true) {
            List<String> event = sse.nextEvent();
            if ("$presence".equals(SseClient.field(event, "event"))) {
                assertThat(SseClient.field(event, "id")).as("presence is not resumed: no id").isNull();
                return Http.json(SseClient.field(event, "data"));
            }
        }
    }

    List<String> snapshot() {
        JsonObject body = Http.json(http.get("/realtime/presence?channel=" + enc(room)));
        assertThat(body.getString("channel")).isEqualTo(room);
        return body.getJsonArray("members").stream().map(v -> v.asJsonObject().getString("member")).sorted().toList();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void membersOfEveryTransportAreSeenByWatchersOfEveryTransportAndTheSnapshot() throws Exception {
        SseClient sseWatcher = sse("?v=1.1&presence=" + enc(room));
        assertThat(nextPresence(sseWatcher).getString("action")).isEqualTo("sync");
        WsClient wsWatcher = ws("?v=1.1");
        wsWatcher.send("{\"type\":\"subscribe\",\"channel\":\"" + room + "\",\"presence\":true}");
        assertThat(wsWatcher.next("subscribed").getString("channel")).isEqualTo(room);
        JsonObject sync = wsWatcher.next("presence");
        assertThat(sync.getString("action")).isEqualTo("sync");
        assertThat(sync.getJsonArray("members")).isEmpty();

        WsClient ann = ws("?v=1.1");
        ann.send("{\"type\":\"join\",\"channel\":\"" + room + "\",\"member\":\"ann\",\"info\":{\"nick\":\"Ann\"},\"ref\":1}");
        JsonObject joined = ann.next("joined");
        assertThat(joined.getString("member")).isEqualTo("ann");
        assertThat(joined.getInt("ref")).isEqualTo(1);
        sse("?v=1.1&join=" + enc(room) + "&member=bob&info=" + enc("{\"nick\":\"Bob\"}") + "&presence=" + enc("other:" + room));
        // a held poll holds its member while it waits
        java.util.concurrent.CompletableFuture.runAsync(() -> http.get("/realtime/poll?v=1.1&timeout=20000&join=" + enc(room)
                + "&member=cy&channel=" + enc("quiet:" + room)));

        List<JsonObject> overWs = List.of(wsWatcher.next("presence"), wsWatcher.next("presence"), wsWatcher.next("presence"));
        List<JsonObject> overSse = List.of(nextPresence(sseWatcher), nextPresence(sseWatcher), nextPresence(sseWatcher));
        for (List<JsonObject> events : List.of(overWs, overSse)) {
            assertThat(events).extracting(e -> e.getString("action")).containsOnly("join");
            assertThat(events).extracting(e -> e.getString("member")).containsExactlyInAnyOrder("ann", "bob", "cy");
            assertThat(events).extracting(e -> e.getString("channel")).containsOnly(room);
            assertThat(events).allSatisfy(e -> assertThat(e.getJsonNumber("ts").longValue()).isPositive());
        }
        assertThat(overWs.stream().filter(e -> e.getString("member").equals("ann")).findFirst().orElseThrow()
                .getJsonObject("info").getString("nick")).isEqualTo("Ann");
        assertThat(snapshot()).containsExactly("ann", "bob", "cy");

        // a long-poll watcher starts with the member list
        JsonObject poll = Http.json(http.get("/realtime/poll?v=1.1&timeout=0&presence=" + enc(room)));
        assertThat(poll.getJsonArray("presence").getJsonObject(0).getString("action")).isEqualTo("sync");
        assertThat(poll.getJsonArray("presence").getJsonObject(0).getJsonArray("members")).hasSize(3);

        // over WebSocket too
        wsWatcher.send("{\"type\":\"members\",\"channel\":\"" + room + "\",\"ref\":\"m\"}");
        assertThat(wsWatcher.next("members").getJsonArray("members")).hasSize(3);

        ann.send("{\"type\":\"leave\",\"channel\":\"" + room + "\"}");
        assertThat(ann.next("left").getString("channel")).isEqualTo(room);
        JsonObject leave = wsWatcher.next("presence");
        assertThat(leave.getString("action")).isEqualTo("leave");
        assertThat(leave.getString("member")).isEqualTo("ann");
        assertThat(leave.containsKey("info")).isFalse();
        assertThat(nextPresence(sseWatcher).getString("member")).isEqualTo("ann");
    }

    @Test
    void aMemberWithTwoConnectionsIsAnnouncedOnceAndLeavesWithItsLastConnection() throws Exception {
        WsClient watcher = ws("?v=1.1&presence=" + enc(room));
        assertThat(watcher.next("presence").getString("action")).isEqualTo("sync");
        WsClient tab1 = ws("?v=1.1&join=" + enc(room) + "&member=dan");
        WsClient tab2 = ws("?v=1.1&join=" + enc(room) + "&member=dan");
        assertThat(watcher.next("presence").getString("action")).isEqualTo("join");
        tab1.close();
        tab2.send("{\"type\":\"ping\"}");
        assertThat(tab2.next("pong")).isNotNull();
        assertThat(snapshot()).containsExactly("dan");
        tab2.close();
        JsonObject leave = watcher.next("presence");
        assertThat(leave.getString("action")).isEqualTo("leave");
        assertThat(watcher.drain(java.time.Duration.ofMillis(300))).as("one join, one leave").isEmpty();
    }

    @Test
    void aLongPollMemberStaysBetweenPollsAndLeavesAfterItsGrace() throws Exception {
        WsClient watcher = ws("?v=1.1&presence=" + enc(room));
        watcher.next("presence");
        String poll = "/realtime/poll?v=1.1&timeout=0&channel=lobby&join=" + enc(room) + "&member=eve";
        http.get(poll);
        assertThat(watcher.next("presence").getString("action")).isEqualTo("join");
        for (int i = 0; i < 3; i++) { // polls a second apart, within the 2 s grace: no leave, no join
            Thread.sleep(1000);
            http.get(poll);
        }
        assertThat(watcher.drain(java.time.Duration.ofMillis(200))).isEmpty();
        assertThat(snapshot()).containsExactly("eve");
        JsonObject leave = watcher.next("presence"); // the client stopped polling: gone 2 s after its last answer
        assertThat(leave.getString("action")).isEqualTo("leave");
        assertThat(snapshot()).isEmpty();
    }

    @Test
    void anInfoChangeIsAnnouncedAsUpdate() throws Exception {
        WsClient watcher = ws("?v=1.1&presence=" + enc(room));
        watcher.next("presence");
        WsClient fay = ws("?v=1.1");
        fay.send("{\"type\":\"join\",\"channel\":\"" + room + "\",\"member\":\"fay\",\"info\":1}");
        fay.next("joined");
        fay.send("{\"type\":\"join\",\"channel\":\"" + room + "\",\"member\":\"fay\",\"info\":2}");
        fay.next("joined");
        assertThat(watcher.next("presence").getString("action")).isEqualTo("join");
        JsonObject update = watcher.next("presence");
        assertThat(update.getString("action")).isEqualTo("update");
        assertThat(update.getInt("info")).isEqualTo(2);
    }

    @Test
    void refusalsCarryTheProtocolsCodes() {
        assertError(http.get("/realtime/poll?timeout=0&channel=lobby&join=" + enc(room) + "&member=x"), 400, "invalid_version");
        assertError(http.get("/realtime/poll?v=2.0&timeout=0&channel=lobby"), 400, "invalid_version");
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&channel=lobby&join=" + enc(room)), 400, "invalid_member");
        assertError(http.get("/realtime/sse?v=1.1&channel=lobby&join=" + enc(room) + "&member=" + enc("a\u0001b")), 400, "invalid_member");
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&channel=lobby&join=" + enc(room) + "&member=g&info="
                + enc("\"" + "x".repeat(80) + "\"")), 413, "payload_too_large");
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&channel=lobby&join=" + enc(room) + "&member=g&info=" + enc("{nope")),
                400, "invalid_json");
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&join=staff:plans&member=g&channel=lobby"), 403, "forbidden");
        assertError(http.get("/realtime/presence?channel=staff:plans"), 403, "forbidden");
        assertError(http.get("/realtime/presence"), 400, "missing_channel");
        assertError(handshakeRefusal(() -> new WsClient(http.ws("?v=1.1&join=" + enc(room)))), 400, "invalid_member");

        for (String m : List.of("m1", "m2", "m3", "m4")) {
            ws("?v=1.1&join=" + enc(room) + "&member=" + m);
        }
        assertError(http.get("/realtime/poll?v=1.1&timeout=0&channel=lobby&join=" + enc(room) + "&member=m5"), 409, "too_many_members");
        WsClient fifth = ws("?v=1.1");
        fifth.send("{\"type\":\"join\",\"channel\":\"" + room + "\",\"member\":\"m5\",\"ref\":5}");
        JsonObject error = fifth.next("error");
        assertThat(error.getString("code")).isEqualTo("too_many_members");
        assertThat(error.getInt("ref")).isEqualTo(5);
        assertThat(snapshot()).containsExactly("m1", "m2", "m3", "m4");
    }

    @Test
    void aOneZeroConnectionSeesNoPresenceAndKeepsItsAnswersUnchanged() throws Exception {
        WsClient old = ws("?channel=" + enc(room));
        old.next("subscribed");
        old.send("{\"type\":\"join\",\"channel\":\"" + room + "\",\"member\":\"x\"}");
        assertThat(old.next("error").getString("code")).isEqualTo("invalid_version");
        ws("?v=1.1&join=" + enc(room) + "&member=hal");
        http.publish(room, "1");
        assertThat(old.next().getString("type")).as("no presence frame before the message").isEqualTo("message");
        JsonObject answer = Http.json(http.get("/realtime/poll?timeout=0&channel=" + enc(room)));
        assertThat(answer.keySet()).containsExactlyInAnyOrder("messages", "cursor", "gaps");
    }
}
