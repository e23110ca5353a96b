package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages on every transport across a server restart (the sample undeployed and deployed again: history
 * lost, a new epoch, ids starting again at 1). The client must forget the ids it remembered on the gap,
 * or it drops the new messages whose ids it saw before the restart (issue 23 item 1).
 */
@ExtendWith(ArquillianExtension.class)
class RestartBrowserIT {

    static final String SAMPLE = "restart";

    @Deployment(name = SAMPLE, managed = false, testable = false)
    static WebArchive war() {
        return Deployments.sample();
    }

    @ArquillianResource
    Deployer deployer;

    Chromium chromium;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() {
        if (chromium != null) {
            chromium.close();
        }
        deployer.undeploy(SAMPLE);
    }

    @Test
    void messagesWhoseIdsRestartAfterTheServerRestartedAreDeliveredOnEveryTransport() throws Exception {
        Chromium.requireOrSkip();
        deployer.deploy(SAMPLE);
        chromium = new Chromium();
        URL base = new URL("http://localhost:" + System.getProperty("it.http.port") + "/sample/");
        String room = "it-" + UUID.randomUUID().toString().substring(0, 8);
        List<ChatPage> pages = List.of(
                ChatPage.open(chromium.open(), base, room, "wendy", "websocket").waitConnected("websocket"),
                ChatPage.open(chromium.open(), base, room, "sam", "sse").waitConnected("sse"),
                ChatPage.open(chromium.open(), base, room, "larry", "longpoll").waitConnected("longpoll"));

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            expected.add(publish(base, room, "before the restart " + i));
        }
        for (ChatPage page : pages) {
            page.waitForTexts(expected);
        }

        deployer.undeploy(SAMPLE);
        deployer.deploy(SAMPLE);
        // the pages must be back on the new server before it publishes, or the gap hides the question
        for (ChatPage page : pages) {
            page.waitFor("a gap notice after the restart", () -> page.gapNotices() > 0);
        }
        for (int i = 1; i <= 5; i++) {
            expected.add(publish(base, room, "after the restart " + i));
        }
        for (ChatPage page : pages) {
            page.waitForTexts(expected);
            assertThat(page.texts()).as(page.name + " shows every message once, in publish order").containsExactlyElementsOf(expected);
        }
    }

    /** Publishes a chat line from outside the browsers; returns its text. */
    private String publish(URL base, String room, String text) throws Exception {
        String channel = URLEncoder.encode("room:" + room, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "realtime/publish?channel=" + channel + "&event=message"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"nick\":\"bot\",\"text\":\"" + text + "\"}"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return text;
    }
}
