package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
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

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat sample signed in with connection tickets, in Chromium: three people sign in (the sample's
 * stand-in login), their pages connect with tickets over WebSocket, SSE and long-polling and chat in
 * #members, which the server keeps for signed-in users; an anonymous page is refused there; a
 * signed-in user cannot post under another name; and no page ever put a ticket in a URL.
 */
@ExtendWith(ArquillianExtension.class)
class TicketBrowserIT {

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

    @BeforeEach
    void setUp() {
        Chromium.requireOrSkip();
        chromium = new Chromium();
    }

    @AfterEach
    void tearDown(TestInfo test) throws IOException {
        if (chromium == null) {
            return;
        }
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.writeString(dir.resolve(test.getTestMethod().orElseThrow().getName() + "-console.log"), chromium.consoleLogs());
        chromium.close();
    }

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
        ChatPage eve = ChatPage.open(chromium.open(), base, "lobby", "eve", "websocket").waitConnected("websocket");
        eve.js("window.__errors = []; window.realtimeChat.client.on('error', (e) => window.__errors.push(e.code + ' ' + e.channel));"
                + "window.realtimeChat.client.subscribe('room:members', () => {});");
        eve.waitFor("the refusal of #members", () -> String.valueOf(eve.js("return window.__errors.join()")).contains("forbidden room:members"));
        eve.send("anonymous in the lobby");
        assertThat(eve.texts()).contains("anonymous in the lobby");
    }

    ChatPage signedIn(String nick, String transport) {
        ChatPage page = ChatPage.open(chromium.open(), base, "lobby", nick, transport).signIn();
        return page.selectRoom("members").waitConnected(transport);
    }
}
