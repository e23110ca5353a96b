package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WebSocketGate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat sample behind a proxy that refuses WebSocket at first and lets it through later: two tabs
 * of one browser share one connection, fall back to SSE, then climb back to WebSocket on their own
 * (the sample says so) while messages keep coming, and show every message once, in order.
 */
@ExtendWith(ArquillianExtension.class)
class ClimbBackBrowserIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    @RegisterExtension
    final Chromium chromium = new Chromium();
    WebSocketGate gate;

    @BeforeEach
    void setUp() throws IOException {
        gate = new WebSocketGate(base.getPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        gate.close();
    }

    @Test
    void sharedTabsFallBackToSseAndClimbBackToWebSocketWithoutLossOrDuplicates() throws Exception {
        Http http = new Http(base);
        String room = "climb-" + UUID.randomUUID().toString().substring(0, 8);
        URL proxied = new URL(base.getProtocol(), base.getHost(), gate.port(), base.getFile());
        ChromeDriver browser = chromium.open();
        ChatPage ann = ChatPage.open(browser, proxied, room, "ann", "auto").waitConnected("sse");
        browser.switchTo().newWindow(WindowType.TAB);
        ChatPage bob = ChatPage.open(browser, proxied, room, "bob", "auto").waitConnected("sse");
        List<ChatPage> pages = List.of(ann, bob);
        for (ChatPage page : pages) {
            page.waitFor("two tabs sharing", () -> "worker".equals(page.shareMode()) && page.shareText().contains("2 tabs"));
        }
        assertThat(gate.refused()).as("WebSocket handshakes refused").isPositive();
        await("one connection for both tabs, an SSE stream", () -> streams().equals(List.of("sse")));

        List<String> expected = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 3; i++) {
            expected.add(publish(http, room, "over SSE " + i));
        }
        ann.send("typed over SSE");
        expected.add("typed over SSE");
        for (ChatPage page : pages) {
            page.waitForTexts(List.copyOf(expected));
        }

        // the proxy lets WebSocket through from now on; messages keep coming while the tabs climb back
        gate.open();
        AtomicBoolean climbed = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            int after = 0;
            for (int i = 0; i < 600 && after < 5; i++) {
                expected.add(publish(http, room, "during the climb " + i));
                if (climbed.get()) {
                    after++; // a few more once both tabs are on WebSocket
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "publisher");
        publisher.start();
        for (ChatPage page : pages) {
            page.waitConnected("websocket");
            page.waitFor("the climb shown", () -> page.climbNote().contains("back on WebSocket"));
        }
        climbed.set(true);
        publisher.join();
        bob.send("typed over WebSocket");
        expected.add("typed over WebSocket");

        for (ChatPage page : pages) {
            page.waitForTexts(List.copyOf(expected));
            Thread.sleep(200); // a duplicate would arrive right behind
            assertThat(page.texts()).as(page.name + ": every message once, in publish order").containsExactlyElementsOf(expected);
            List<String> delivered = page.delivered();
            assertThat(new HashSet<>(delivered)).as(page.name + ": the client delivered no message twice").hasSize(delivered.size());
            assertThat(page.stateHistory()).doesNotContain("closed");
        }
        assertThat(expected.size()).as("messages published during the climb").isGreaterThan(5);
        await("one connection for both tabs, now a WebSocket", () -> streams().equals(List.of("ws")));
    }

    private static String publish(Http http, String room, String text) {
        assertThat(http.publish("room:" + room, "{\"nick\":\"bot\",\"text\":\"" + text + "\"}").statusCode()).isEqualTo(202);
        return text;
    }

    /**
     * The streams the browser holds open through the gate, by transport ({@code sse}, {@code ws}).
     * Counted at the gate, not as the server's sessions: a client that closes a stream (an SSE
     * stream reopened for a new channel, the SSE stream left behind by the climb) is seen at once
     * here, while the server only learns it when a write fails, probe intervals later; behind this
     * gate, which half-closes and notices the browser gone only on its own next write, that took
     * longer than any wait here. The server's release of closed streams is SseClosureIT's matter.
     */
    private List<String> streams() {
        List<String> streams = new ArrayList<>();
        for (String request : gate.openRequests()) {
            String path = request.split(" ")[1];
            if (path.contains("/realtime/sse?")) {
                streams.add("sse");
            } else if (path.contains("/realtime/ws?") || path.endsWith("/realtime/ws")) {
                streams.add("ws");
            }
        }
        return streams;
    }
}
