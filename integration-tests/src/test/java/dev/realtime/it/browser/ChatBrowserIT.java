package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.WebSocketGate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat sample in real browsers (headless Debian chromium) against embedded Tomcat: the bundled
 * JavaScript client on each transport, its fallback, and its resume after the server drops every
 * connection, and who is online and typing (protocol 1.1).
 */
@ExtendWith(ArquillianExtension.class)
class ChatBrowserIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.sample();
    }

    @BeforeAll
    static void sayWhyWhenSkipped() {
        if (!Chromium.available()) {
            System.err.println(Chromium.SKIPPED);
        }
    }

    @ArquillianResource
    URL base;

    Chromium chromium;
    String room;
    final List<WebSocketGate> gates = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        // per test, so each one is reported as skipped with the reason
        Chromium.requireOrSkip();
        chromium = new Chromium();
        room = "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown(TestInfo test) throws IOException {
        if (chromium == null) {
            return; // skipped
        }
        // the browsers' consoles, kept next to the screenshots for whoever reads a failure
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.writeString(dir.resolve(test.getTestMethod().orElseThrow().getName() + "-console.log"), chromium.consoleLogs());
        chromium.close();
        for (WebSocketGate gate : gates) {
            gate.close();
        }
    }

    @Test
    void pagesOnDifferentTransportsChatWithEachOther() {
        ChatPage ws = ChatPage.open(chromium.open(), base, room, "wendy", "websocket").waitConnected("websocket");
        ChatPage lp = ChatPage.open(chromium.open(), base, room, "larry", "longpoll").waitConnected("longpoll");
        ChatPage sse = ChatPage.open(chromium.open(), base, room, "sam", "sse").waitConnected("sse");
        assertThat(List.of(ws.transportLabel(), lp.transportLabel(), sse.transportLabel()))
                .containsExactly("WebSocket", "Long-polling", "SSE");

        ws.send("hello from a WebSocket");
        lp.waitForTexts(List.of("hello from a WebSocket"));
        lp.send("long-polling here");
        sse.waitForTexts(List.of("hello from a WebSocket", "long-polling here"));
        sse.send("and SSE says hi");

        List<String> expected = List.of("wendy: hello from a WebSocket", "larry: long-polling here", "sam: and SSE says hi");
        for (ChatPage page : List.of(ws, lp, sse)) {
            page.waitForTexts(List.of("and SSE says hi"));
            assertThat(page.lines()).as(page.name).containsExactlyElementsOf(expected);
            assertThat(page.gapNotices()).as(page.name).isZero();
        }
        assertThat(lp.ids()).isEqualTo(ws.ids()).isEqualTo(sse.ids());
    }

    @Test
    void aPageWhoseWebSocketIsRefusedFallsBackAndMissesNothing() throws IOException {
        ChatPage talker = ChatPage.open(chromium.open(), base, room, "tina", "websocket").waitConnected("websocket");
        talker.send("before the other page opened");

        // the second page reaches the server through a proxy that refuses WebSocket handshakes (404); its
        // shared worker, which holds its connection, goes through the same proxy
        WebSocketGate gate = new WebSocketGate(base.getPort());
        gates.add(gate);
        URL proxied = new URL(base.getProtocol(), base.getHost(), gate.port(), base.getFile());
        ChatPage fallback = ChatPage.open(chromium.open(), proxied, room, "fred", "auto");
        // published while that page is still finding a transport
        talker.send("during the fallback 1");
        talker.send("during the fallback 2");
        fallback.waitConnected("sse");
        talker.send("after the fallback");

        List<String> expected = List.of("before the other page opened", "during the fallback 1", "during the fallback 2",
                "after the fallback");
        fallback.waitForTexts(expected);
        assertThat(fallback.texts()).containsExactlyElementsOf(expected);
        assertThat(gate.refused()).as("WebSocket handshakes refused").isGreaterThanOrEqualTo(1);
        assertThat(fallback.stateHistory()).doesNotContain("closed");

        fallback.send("sent over HTTP");
        talker.waitForTexts(List.of("sent over HTTP"));
        assertThat(talker.texts()).containsExactlyElementsOf(append(expected, "sent over HTTP"));
        assertThat(fallback.texts()).containsExactlyElementsOf(append(expected, "sent over HTTP"));
    }

    @Test
    void pagesResumeWithoutLossOrDuplicatesWhenTheServerDropsEveryConnection() throws Exception {
        ChatPage ws = ChatPage.open(chromium.open(), base, room, "wendy", "websocket").waitConnected("websocket");
        ChatPage sse = ChatPage.open(chromium.open(), base, room, "sam", "sse").waitConnected("sse");
        ChatPage lp = ChatPage.open(chromium.open(), base, room, "larry", "longpoll").waitConnected("longpoll");
        List<ChatPage> pages = List.of(ws, sse, lp);

        List<String> expected = new ArrayList<>();
        int n = 0;
        for (; n < 5; n++) {
            expected.add(publish("before " + n));
        }
        for (ChatPage page : pages) {
            page.waitForTexts(expected);
        }

        for (int round = 1; round <= 3; round++) {
            int dropped = drop();
            assertThat(dropped).as("connections dropped in round " + round).isGreaterThanOrEqualTo(3);
            // published while the pages are reconnecting, from outside and from a page itself
            for (int i = 0; i < 4; i++, n++) {
                expected.add(publish("round " + round + " message " + i));
            }
            ChatPage sender = pages.get(round % pages.size());
            String own = "typed by " + sender.name + " in round " + round;
            sender.send(own);
            expected.add(own);
            Thread.sleep(300);
            expected.add(publish("round " + round + " after a pause"));
            for (ChatPage page : pages) {
                page.waitForTexts(expected);
            }
        }

        for (ChatPage page : pages) {
            assertThat(page.texts()).as(page.name + " shows every message once, in publish order").containsExactlyElementsOf(expected);
            assertThat(new HashSet<>(page.ids())).as(page.name + " ids").hasSize(expected.size());
            assertThat(page.gapNotices()).as(page.name + " gap notices").isZero();
            page.waitFor("connected again", () -> "open".equals(page.state()));
        }
        // a dropped WebSocket or SSE stream is a reconnect; a dropped long-poll is just answered early
        assertThat(ws.stateHistory()).as("WebSocket page reconnected").contains("reconnecting");
        assertThat(sse.stateHistory()).as("SSE page reconnected").contains("reconnecting");
        assertThat(ws.transport()).isEqualTo("websocket");
        assertThat(sse.transport()).isEqualTo("sse");
        assertThat(lp.transport()).isEqualTo("longpoll");
    }

    @Test
    void screenshotOfTheChat() throws Exception {
        ChatPage ann = ChatPage.open(chromium.open(), base, room, "ann", "auto").waitConnected("websocket");
        ChatPage bob = ChatPage.open(chromium.open(), base, room, "bob", "longpoll").waitConnected("longpoll");
        ann.send("Hi Bob! I'm on a WebSocket.");
        bob.waitForTexts(List.of("Hi Bob! I'm on a WebSocket."));
        bob.send("Hi Ann, long-polling over here, works just the same.");
        ann.waitForTexts(List.of("Hi Ann, long-polling over here, works just the same."));
        ann.send("Drop the connection and we both resume where we left off.");
        bob.waitForTexts(List.of("Drop the connection and we both resume where we left off."));
        assertThat(ann.lines()).containsExactly(
                "ann: Hi Bob! I'm on a WebSocket.",
                "bob: Hi Ann, long-polling over here, works just the same.",
                "ann: Drop the connection and we both resume where we left off.");

        Path file = Files.createDirectories(Path.of("target", "screenshots")).resolve("chat.png");
        Path shot = ((ChromeDriver) ann.driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
        byte[] png = Files.readAllBytes(file);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    private static List<String> append(List<String> list, String more) {
        List<String> copy = new ArrayList<>(list);
        copy.add(more);
        return copy;
    }

    /** Publishes a chat line from outside the browsers; returns its text. */
    private String publish(String text) throws Exception {
        String channel = URLEncoder.encode("room:" + room, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "realtime/publish?channel=" + channel + "&event=message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"nick\":\"bot\",\"text\":\"" + text + "\"}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return text;
    }

    /** Drops every realtime connection of the sample (test-only servlet); returns how many there were. */
    private int drop() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "test/drop"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Integer.parseInt(response.body().trim());
    }

    /**
     * Signed in with connection tickets: three people sign in (the sample's stand-in login), their pages
     * connect with tickets over WebSocket, SSE and long-polling and chat in #members, which the server
     * keeps for signed-in users; an anonymous page is refused there; a signed-in user cannot post under
     * another name; and no page ever put a ticket in a URL.
     */
    @Test
    void signedInPagesChatInMembersOverEveryTransportWithTicketsNeverInAUrl() {
        ChatPage ann = signedIn("ann", "websocket");
        ChatPage bob = signedIn("bob", "sse");
        ChatPage cat = signedIn("cat", "longpoll");

        ann.send("hello members");
        bob.waitForTexts(List.of("hello members"));
        cat.waitForTexts(List.of("hello members")).send("long-polling here");
        bob.send("and SSE");
        for (ChatPage page : List.of(ann, bob, cat)) {
            page.waitForTexts(List.of("and SSE"));
            assertThat(page.lines()).as(page.name).containsExactly("ann: hello members", "cat: long-polling here", "bob: and SSE");
            assertThat(page.gapNotices()).as(page.name).isZero();
            @SuppressWarnings("unchecked")
            List<String> urls = (List<String>) page.js("return performance.getEntriesByType('resource').map(e => e.name)");
            assertThat(urls).as(page.name + ": the tickets went to realtime").anyMatch(u -> u.contains("/realtime/"));
            assertThat(urls).as(page.name + ": no ticket or token in a URL").noneMatch(u -> u.contains("rt1."));
        }

        // signed in as ann, the server keeps her from posting as bob
        Object refused = ann.js("return window.realtimeChat.client.publish('room:members', { nick: 'bob', text: 'not me' })"
                + ".then(() => 'published', (e) => e.code)");
        assertThat(refused).isEqualTo("forbidden");

        // an anonymous page is refused #members by name, and still chats elsewhere
        ChatPage eve = ChatPage.open(chromium.open(), base, room, "eve", "websocket").waitConnected("websocket");
        eve.js("window.__errors = []; window.realtimeChat.client.on('error', (e) => window.__errors.push(e.code + ' ' + e.channel));"
                + "window.realtimeChat.client.subscribe('room:members', () => {});");
        eve.waitFor("the refusal of #members", () -> String.valueOf(eve.js("return window.__errors.join()")).contains("forbidden room:members"));
        eve.send("anonymous in the lobby");
        assertThat(eve.texts()).contains("anonymous in the lobby");
    }

    ChatPage signedIn(String nick, String transport) {
        ChatPage page = ChatPage.open(chromium.open(), base, room, nick, transport).signIn();
        return page.selectRoom("members").waitConnected(transport);
    }

    /**
     * Who is online and who is typing (protocol 1.1): three people on WebSocket, SSE and long-polling
     * see each other in the room, see "... is typing" while another types, and see someone leave when
     * their browser closes.
     */
    @Test
    void peopleOnEveryTransportSeeWhoIsOnlineAndWhoIsTyping() {
        WebDriver wendysBrowser = chromium.open();
        ChatPage wendy = ChatPage.open(wendysBrowser, base, room, "wendy", "websocket").waitConnected("websocket");
        ChatPage sam = ChatPage.open(chromium.open(), base, room, "sam", "sse").waitConnected("sse");
        ChatPage larry = ChatPage.open(chromium.open(), base, room, "larry", "longpoll").waitConnected("longpoll");
        List<String> everyone = List.of("larry", "sam", "wendy");
        for (ChatPage page : List.of(wendy, sam, larry)) {
            page.waitFor("everyone online", () -> page.online().equals(everyone));
        }

        wendy.type("hel");
        sam.waitFor("wendy typing, over SSE", () -> sam.typingLine().equals("wendy is typing\u2026"));
        larry.waitFor("wendy typing, over long-polling", () -> larry.typingLine().equals("wendy is typing\u2026"));
        assertThat(wendy.typingLine()).as("not about oneself").isEmpty();

        larry.type("ok");
        wendy.waitFor("larry typing, over WebSocket", () -> wendy.typingLine().equals("larry is typing\u2026"));
        sam.waitFor("both typing", () -> sam.typingLine().equals("larry, wendy are typing\u2026"));

        wendy.send("hello");
        sam.waitFor("wendy's message ends her typing", () -> sam.typingLine().equals("larry is typing\u2026"));
        assertThat(sam.texts()).containsExactly("hello");

        wendysBrowser.quit(); // wendy closes her browser
        sam.waitFor("wendy gone", () -> sam.online().equals(List.of("larry", "sam")));
        larry.waitFor("wendy gone", () -> larry.online().equals(List.of("larry", "sam")));
    }
}
