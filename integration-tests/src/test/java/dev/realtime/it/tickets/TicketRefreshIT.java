package dev.realtime.it.tickets;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.TicketAuthorizer;
import dev.realtime.it.support.TicketPeer;
import dev.realtime.it.support.TicketServlet;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refreshing a ticket-admitted connection on every transport: WebSocket in place, SSE and long-polling
 * with the next request. A stream keeps flowing with no loss; a refresh that takes a channel's right
 * away stops that channel only, by name. And no ticket or token ever reaches the server's log, while
 * the access log holds only the one a client put in a URL.
 */
@ExtendWith(ArquillianExtension.class)
class TicketRefreshIT {
    static final int MESSAGES = 200;
    static final Path ACCESS_LOG_DIR = Path.of("target", "tickets-access-log").toAbsolutePath();

    @Deployment(testable = false)
    static WebArchive war() throws Exception {
        Files.createDirectories(ACCESS_LOG_DIR);
        // Tomcat's default access log pattern: what a typical server records of every request
        String context = "<Context><JarScanner scanClassPath=\"false\"/><Valve className=\"org.apache.catalina.valves.AccessLogValve\""
                + " directory=\"" + ACCESS_LOG_DIR + "\" prefix=\"access\" suffix=\".log\" buffered=\"false\" pattern=\"common\"/></Context>";
        return Deployments.war("refresh", Map.of("realtime.authorizer", TicketAuthorizer.class.getName()))
                .addClasses(TicketServlet.class, TicketAuthorizer.class)
                .addAsManifestResource(new StringAsset(context), "context.xml");
    }

    @ArquillianResource
    URL base;
    TicketPeer peer;
    String room;
    String vip;
    final List<AutoCloseable> open = new ArrayList<>();
    final List<Thread> publishers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        peer = new TicketPeer(new Http(base));
        room = "room:" + UUID.randomUUID();
        vip = "vip:" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Thread t : publishers) {
            t.join(30_000);
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Publishes {"n":i} on the room and the VIP channel, i = 0..MESSAGES-1, 20 ms apart: about four seconds. */
    AtomicReference<Throwable> publishBoth() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    for (String channel : List.of(room, vip)) {
                        int status = peer.http.publish(channel, "{\"n\":" + i + "}").statusCode();
                        if (status != 202) {
                            throw new AssertionError("publish " + i + " on " + channel + " answered " + status);
                        }
                    }
                    Thread.sleep(20);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "ticket-refresh-publisher");
        publishers.add(t);
        t.start();
        return failure;
    }

    static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void aWebSocketRefreshedInPlaceOutlivesItsFirstCredentialLosesNothingAndDropsOnlyTheChannelNoLongerAllowed() throws Exception {
        // the first credential lasts 3 s, the stream at least 4 s: without the refresh it would be closed on the way
        WsClient ws = track(peer.connect(TicketPeer.Way.WEBSOCKET, peer.ticket("user=ann&role=vip&credentialMs=3000"), room, vip)).ws();
        ws.next("subscribed");
        ws.next("subscribed");
        AtomicReference<Throwable> publishing = publishBoth();

        List<Integer> roomSeen = new ArrayList<>();
        List<Integer> vipSeen = new ArrayList<>();
        List<String> after = new ArrayList<>(); // frame kinds after the refresh was sent
        boolean refreshed = false;
        boolean vipStopped = false;
        while (roomSeen.size() < MESSAGES) {
            JsonObject f = ws.next();
            String type = f.getString("type");
            if (refreshed) {
                after.add(type + (f.containsKey("channel") ? " " + (f.getString("channel").equals(vip) ? "vip" : "room") : ""));
            }
            switch (type) {
                case "message" -> {
                    int n = f.getJsonObject("data").getInt("n");
                    if (f.getString("channel").equals(room)) {
                        roomSeen.add(n);
                    } else {
                        assertThat(vipStopped).as("a VIP message after the VIP channel was unsubscribed").isFalse();
                        vipSeen.add(n);
                    }
                }
                case "unsubscribed" -> vipStopped = f.getString("channel").equals(vip);
                case "authenticated" -> assertThat(f.getString("ref")).isEqualTo("r1");
                case "error" -> assertThat(f.getString("code")).as(f.toString()).isEqualTo("forbidden");
                default -> throw new AssertionError("unexpected frame " + f);
            }
            if (!refreshed && roomSeen.size() == 10) {
                ws.send("{\"type\":\"auth\",\"ticket\":\"" + peer.ticket("user=ann&credentialMs=60000") + "\",\"ref\":\"r1\"}");
                refreshed = true;
            }
        }
        assertThat(publishing.get()).isNull();
        assertThat(roomSeen).as("every room message, in order, once").isEqualTo(upTo(MESSAGES));
        assertThat(vipSeen).as("VIP messages until the refresh, none lost").isEqualTo(upTo(vipSeen.size()));
        assertThat(vipSeen.size()).isLessThan(MESSAGES);
        assertThat(after).contains("authenticated", "unsubscribed vip", "error vip");
        assertThat(after.indexOf("unsubscribed vip")).isLessThan(after.indexOf("error vip"));
        assertThat(ws.closeCode).as("still open after the first credential's 3 s").isNotDone();
    }

    @Test
    void aRefreshForAnotherUserOrWithAUsedTicketIsRefusedAndTheConnectionCarriesOn() throws Exception {
        WsClient ws = track(peer.connect(TicketPeer.Way.WEBSOCKET, peer.ticket("user=ann"), room)).ws();
        ws.next("subscribed");
        ws.send("{\"type\":\"auth\",\"ticket\":\"" + peer.ticket("user=bob") + "\",\"ref\":1}");
        JsonObject other = ws.next("error");
        assertThat(other.getString("code")).isEqualTo("forbidden");
        assertThat(other.getInt("ref")).isEqualTo(1);
        String used = peer.ticket("user=ann");
        peer.poll(used, "timeout=0", room);
        ws.send("{\"type\":\"auth\",\"ticket\":\"" + used + "\",\"ref\":2}");
        assertThat(ws.next("error").getString("code")).isEqualTo("ticket_used");
        assertThat(peer.http.publish(room, "{\"n\":0}").statusCode()).isEqualTo(202);
        assertThat(ws.next("message").getJsonObject("data").getInt("n")).isZero();
    }

    @Test
    void anAuthFrameSignsInAConnectionOpenedWithoutCredential() {
        WsClient ws = track(new WsClient(peer.http.ws("?channel=" + enc(room))));
        ws.next("subscribed");
        ws.send("{\"type\":\"subscribe\",\"channel\":\"members:" + UUID.randomUUID() + "\"}");
        assertThat(ws.next("error").getString("code")).isEqualTo("forbidden");
        ws.send("{\"type\":\"auth\",\"ticket\":\"" + peer.ticket("user=ann") + "\"}");
        assertThat(ws.next("authenticated").getString("token")).startsWith("rt1.");
        ws.send("{\"type\":\"subscribe\",\"channel\":\"members:news\"}");
        assertThat(ws.next("subscribed").getString("channel")).isEqualTo("members:news");
    }

    @Test
    void anSseStreamRefreshedByItsNextRequestLosesNothingAndTheChannelNoLongerAllowedIsNamed() throws Exception {
        SseClient first = track(peer.connect(TicketPeer.Way.SSE, peer.ticket("user=ann&role=vip&credentialMs=60000"), room, vip)).sse();
        AtomicReference<Throwable> publishing = publishBoth();
        List<Integer> roomSeen = new ArrayList<>();
        String cursor = null;
        while (roomSeen.size() < 50) {
            List<String> event = first.nextEvent();
            JsonObject m = Http.json(SseClient.field(event, "data"));
            cursor = SseClient.field(event, "id");
            if (m.getString("channel").equals(room)) {
                roomSeen.add(m.getJsonObject("data").getInt("n"));
            }
        }
        // the refresh: the next request from the cursor with a new ticket (no VIP role), then the old stream closed
        SseClient second = new SseClient(peer.http.uri("/realtime/sse?channel=" + enc(room) + "&channel=" + enc(vip)), cursor,
                Map.of("Realtime-Ticket", peer.ticket("user=ann")));
        track(second);
        first.close();
        assertThat(second.nextEvent().get(0)).startsWith("retry:");
        List<String> refusal = second.nextEvent();
        assertThat(SseClient.field(refusal, "event")).isEqualTo("error");
        assertThat(Http.json(SseClient.field(refusal, "data")).getString("channel")).isEqualTo(vip);
        while (roomSeen.size() < MESSAGES) {
            JsonObject m = Http.json(SseClient.field(second.nextEvent(), "data"));
            assertThat(m.getString("channel")).as("only the room flows after the refresh").isEqualTo(room);
            roomSeen.add(m.getJsonObject("data").getInt("n"));
        }
        assertThat(publishing.get()).isNull();
        assertThat(roomSeen).as("every room message, in order, once").isEqualTo(upTo(MESSAGES));
    }

    @Test
    void longPollingRefreshedByItsNextPollLosesNothingAndTheChannelNoLongerAllowedIsNamed() throws Exception {
        HttpResponse<String> first = peer.poll(peer.ticket("user=ann&role=vip"), "timeout=0", room, vip);
        String credential = first.headers().firstValue("Realtime-Token").orElseThrow();
        String cursor = Http.json(first).getString("cursor");
        AtomicReference<Throwable> publishing = publishBoth();
        List<Integer> roomSeen = new ArrayList<>();
        List<String> channels = new ArrayList<>(List.of(room, vip));
        boolean refreshed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (roomSeen.size() < MESSAGES && System.nanoTime() < deadline) {
            boolean refreshNow = !refreshed && roomSeen.size() >= 50;
            HttpResponse<String> r = peer.poll(refreshNow ? peer.ticket("user=ann") : credential,
                    "timeout=5000&since=" + enc(cursor), channels.toArray(String[]::new));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonObject answer = Http.json(r);
            if (refreshNow) {
                refreshed = true;
                credential = r.headers().firstValue("Realtime-Token").orElseThrow();
                JsonArray refused = answer.getJsonArray("refused");
                assertThat(refused).hasSize(1);
                assertThat(refused.getJsonObject(0).getString("channel")).isEqualTo(vip);
                channels.remove(vip); // a client stops asking for a channel it was refused
            }
            for (JsonValue v : answer.getJsonArray("messages")) {
                JsonObject m = v.asJsonObject();
                if (m.getString("channel").equals(room)) {
                    roomSeen.add(m.getJsonObject("data").getInt("n"));
                } else {
                    assertThat(refreshed && !refreshNow).as("a VIP message after the refresh").isFalse();
                }
            }
            cursor = answer.getString("cursor");
        }
        assertThat(publishing.get()).isNull();
        assertThat(roomSeen).as("every room message, in order, once").isEqualTo(upTo(MESSAGES));
    }

    /**
     * Every way of presenting, refusing, refreshing and expiring, with the library's loggers at their
     * finest: no ticket or resume token in any log record. Tomcat's access log records request lines,
     * so it holds the ticket a client put in a URL (single-use and already used: documented), and none
     * of those sent in headers or WebSocket subprotocols.
     */
    @Test
    void noTicketOrTokenReachesTheServerLogAndOnlyAUrlTicketTheAccessLog() throws Exception {
        Logger library = Logger.getLogger("dev.realtime");
        Level before = library.getLevel();
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        library.setLevel(Level.ALL);
        Set<String> secrets = ConcurrentHashMap.newKeySet();
        String urlTicket;
        String inBadQuery;
        try {
            for (TicketPeer.Way way : TicketPeer.Way.values()) {
                String t = secrets(secrets, peer.ticket("user=ann&channel=room:*&credentialMs=1500"));
                TicketPeer.Outcome o = track(peer.connect(way, t, room, "other:x"));
                secrets.add(o.token());
                track(peer.connect(way, t, room)); // replayed
                track(peer.connect(way, o.token(), room)); // the resume token
                String expired = secrets(secrets, peer.ticket("user=ann&validMs=1"));
                Thread.sleep(5);
                track(peer.connect(way, expired, room));
                track(peer.connect(way, t.substring(0, t.length() - 2) + "xx", room)); // a broken signature
            }
            WsClient ws = track(new WsClient(peer.http.ws("?channel=" + enc(room)), Map.of(),
                    List.of("realtime.v1", "realtime.ticket." + secrets(secrets, peer.ticket("user=ann&credentialMs=1500")))));
            secrets.add(ws.next("authenticated").getString("token"));
            ws.next("subscribed");
            String refresh = secrets(secrets, peer.ticket("user=ann&credentialMs=1500"));
            ws.send("{\"type\":\"auth\",\"ticket\":\"" + refresh + "\"}");
            secrets.add(ws.next("authenticated").getString("token"));
            ws.send("{\"type\":\"auth\",\"ticket\":\"" + refresh + "\"}"); // used
            ws.send("{\"type\":\"auth\",\"ticket\":\"" + refresh + "\""); // not even JSON
            ws.send("{\"type\":\"auth\",\"ticket\":[\"" + refresh + "\"]}"); // not a string
            assertThat(ws.closeCode.get(15, TimeUnit.SECONDS)).isEqualTo(4401);
            // a query the container cannot decode is logged (with its exception) by the library at DEBUG
            inBadQuery = secrets(secrets, peer.ticket("user=ann"));
            assertThat(rawGet("/realtime/poll?timeout=0&channel=%zz&ticket=" + enc(inBadQuery))).startsWith("HTTP/1.1 400");
            System.getLogger("dev.realtime.test").log(System.Logger.Level.DEBUG, "canary"); // the capture works at DEBUG
            urlTicket = secrets(secrets, peer.ticket("user=ann"));
            assertThat(peer.http.get("/realtime/poll?timeout=0&channel=" + enc(room) + "&ticket=" + enc(urlTicket)).statusCode()).isEqualTo(200);
            Thread.sleep(2000); // the SSE streams and WebSockets above expire, and log what they log
        } finally {
            library.setLevel(before);
            root.removeHandler(handler);
        }
        assertThat(records).extracting(LogRecord::getMessage).as("DEBUG records are captured").contains("canary");
        for (LogRecord r : records) {
            String text = describe(r);
            for (String secret : secrets) {
                assertThat(text).as("log record %s", r.getLoggerName()).doesNotContain(secret);
            }
        }
        String accessLog;
        try (var files = Files.list(ACCESS_LOG_DIR)) {
            accessLog = String.join("\n", files.map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList());
        }
        assertThat(accessLog).contains(urlTicket, inBadQuery);
        for (String secret : secrets) {
            if (!secret.equals(urlTicket) && !secret.equals(inBadQuery)) {
                assertThat(accessLog).doesNotContain(secret);
            }
        }
    }

    /** A request line no URI class would build; the status line of its answer. */
    String rawGet(String pathAndQuery) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            String path = base.getPath().replaceAll("/$", "") + pathAndQuery;
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    static String secrets(Set<String> all, String secret) {
        all.add(secret);
        return secret;
    }

    static String describe(LogRecord r) {
        StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
        if (r.getParameters() != null) {
            for (Object p : r.getParameters()) {
                b.append(' ').append(p);
            }
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            b.append(' ').append(t);
        }
        return b.toString();
    }

    <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }
}
