package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
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
import java.net.URL;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol 1.1 across two application nodes sharing one real Redis: presence is one per channel
 * across nodes, ephemeral messages and wildcard subscriptions cross nodes, and the members of a node
 * killed with SIGKILL (its own JVM) leave within the documented time.
 */
class TwoNodePresenceIT {
    /** realtime.redis.nodeTimeout of these nodes: a killed node's members leave within 4/3 of it. */
    private static final long NODE_TIMEOUT = 3000;
    private static RedisServer redis;
    /** The nodes' realtime.redis.uri; null when Redis is not installed. */
    private static String redisUri;
    private static RedisNodes nodes;
    static RedisNodes.Node a;
    /** A node in its own JVM, shared by the tests that do not kill it (starting one takes a while). */
    static NodeProcess b;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private String room;

    @BeforeAll
    static void start() {
        redis = RedisServer.startIfInstalled();
        if (redis != null) {
            startNodes(redis.uri());
        }
    }

    /** Node a in this JVM, node b in its own, on {@code uri} (one Redis, or a cluster). */
    static void startNodes(String uri) {
        redisUri = uri;
        nodes = new RedisNodes(uri, "p" + Long.toString(System.nanoTime(), 36) + ":",
                Map.of("realtime.redis.nodeTimeout", Long.toString(NODE_TIMEOUT)));
        a = nodes.start("a");
        b = nodes.startProcess("b", uri);
    }

    @AfterAll
    static void stop() {
        stopNodes();
        if (redis != null) {
            redis.close();
        }
    }

    static void stopNodes() {
        if (b != null) {
            b.kill();
        }
        if (a != null) {
            a.stop();
        }
        if (nodes != null) {
            nodes.close();
        }
        redisUri = null;
        a = null;
        b = null;
        nodes = null;
    }

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(redisUri != null, RedisServer.SKIP_MESSAGE);
        room = "room:" + UUID.randomUUID();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    <T extends AutoCloseable> T track(T c) {
        closing.add(c);
        return c;
    }

    WsClient ws(URL node, String query) {
        return track(new WsClient(URI.create(new Http(node).uri("/realtime/ws" + query).toString().replaceFirst("^http", "ws"))));
    }

    static List<String> members(URL node, String channel) {
        JsonObject body = Http.json(new Http(node).get("/realtime/presence?channel=" + enc(channel)));
        return body.getJsonArray("members").stream().map(v -> v.asJsonObject().getString("member")).sorted().toList();
    }

    @Test
    void aMemberOnTwoNodesIsAnnouncedOnceOnBothAndLeavesWithItsLastConnection() throws Exception {
        WsClient watchA = ws(a.base, "?v=1.1&presence=" + enc(room));
        WsClient watchB = ws(b.base, "?v=1.1&presence=" + enc(room));
        assertThat(watchA.next("presence").getString("action")).isEqualTo("sync");
        assertThat(watchB.next("presence").getString("action")).isEqualTo("sync");

        WsClient onB = ws(b.base, "?v=1.1&join=" + enc(room) + "&member=ann&info=" + enc("{\"nick\":\"Ann\"}"));
        WsClient onA = ws(a.base, "?v=1.1&join=" + enc(room) + "&member=ann&info=" + enc("{\"nick\":\"Ann\"}"));
        for (WsClient w : List.of(watchA, watchB)) {
            JsonObject join = w.next("presence");
            assertThat(join.getString("action")).isEqualTo("join");
            assertThat(join.getJsonObject("info").getString("nick")).isEqualTo("Ann");
        }
        assertThat(members(a.base, room)).containsExactly("ann");
        assertThat(members(b.base, room)).containsExactly("ann");

        onB.close();
        onA.send("{\"type\":\"ping\"}");
        onA.next("pong");
        assertThat(members(a.base, room)).as("still held on node a").containsExactly("ann");
        onA.close();
        for (WsClient w : List.of(watchA, watchB)) {
            assertThat(w.next("presence").getString("action")).isEqualTo("leave");
            assertThat(w.drain(Duration.ofMillis(300))).as("one join and one leave").isEmpty();
        }
    }

    @Test
    void ephemeralMessagesAndWildcardsCrossNodes() throws Exception {
        String family = "fam" + UUID.randomUUID().toString().substring(0, 8);
        WsClient onA = ws(a.base, "?v=1.1&channel=" + enc(family + ":*"));
        onA.next("subscribed");
        Http httpB = new Http(b.base);
        httpB.send(HttpRequest.newBuilder(httpB.uri("/realtime/publish?channel=" + enc(family + ":1") + "&event=typing&ephemeral=true"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("true")).build());
        httpB.publish(family + ":2", "2");
        JsonObject typing = onA.next("message");
        assertThat(typing.getString("channel")).isEqualTo(family + ":1");
        assertThat(typing.getBoolean("ephemeral")).isTrue();
        JsonObject stored = onA.next("message");
        assertThat(stored.getString("channel")).isEqualTo(family + ":2");
        assertThat(stored.getString("cursor")).isNotBlank();

        // the pattern's cursor from node a resumes on node b, with a channel new since then
        onA.close();
        httpB.publish(family + ":3", "3");
        JsonObject answer = Http.json(httpB.get("/realtime/poll?v=1.1&timeout=0&channel=" + enc(family + ":*") + "&since="
                + enc(stored.getString("cursor"))));
        assertThat(answer.getJsonArray("gaps")).isEmpty();
        assertThat(answer.getJsonArray("messages")).extracting(v -> v.asJsonObject().getString("channel")).containsExactly(family + ":3");
    }

    @Test
    void theMembersOfAKilledNodeLeaveWithinFourThirdsOfTheNodeTimeout() throws Exception {
        NodeProcess c = nodes.startProcess("c", redisUri);
        try {
            WsClient watcher = ws(a.base, "?v=1.1&presence=" + enc(room));
            watcher.next("presence");
            ws(c.base, "?v=1.1&join=" + enc(room) + "&member=bob");
            ws(a.base, "?v=1.1&join=" + enc(room) + "&member=cy");
            assertThat(List.of(watcher.next("presence"), watcher.next("presence")))
                    .extracting(e -> e.getString("member")).containsExactlyInAnyOrder("bob", "cy");

            long killed = System.nanoTime();
            c.kill(); // SIGKILL: no shutdown, no sign-off
            JsonObject leave = watcher.next("presence"); // waits up to 10 s
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(leave.getString("action")).isEqualTo("leave");
            assertThat(leave.getString("member")).isEqualTo("bob");
            // documented: within 4/3 of the node timeout after the node's last renewal; two seconds for a busy machine
            assertThat(tookMillis).as("leave after %d ms", tookMillis).isLessThan(NODE_TIMEOUT * 4 / 3 + 2000);
            assertThat(members(a.base, room)).containsExactly("cy");
        } finally {
            c.kill();
        }
    }
}
