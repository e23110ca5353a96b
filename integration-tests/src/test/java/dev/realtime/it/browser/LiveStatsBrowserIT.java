package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's live stats panel in Chromium: it shows the server's connections per transport as the
 * library's own meters count them (the same numbers as the health endpoint), the delivery lag, and
 * the messages the pages publish, updated over realtime itself.
 */
@ExtendWith(ArquillianExtension.class)
class LiveStatsBrowserIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    Chromium chromium;
    String room;

    @BeforeEach
    void setUp() {
        Chromium.requireOrSkip();
        chromium = new Chromium();
        room = "stats-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown(TestInfo test) throws IOException {
        if (chromium != null) {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Files.writeString(dir.resolve(test.getTestMethod().orElseThrow().getName() + "-console.log"), chromium.consoleLogs());
            chromium.close();
        }
    }

    @Test
    void thePanelShowsConnectionsPerTransportLagAndPublishedMessages() {
        ChatPage ws = ChatPage.open(chromium.open(), base, room, "wanda", "websocket").waitConnected("websocket");
        ChatPage sse = ChatPage.open(chromium.open(), base, room, "sid", "sse").waitConnected("sse");

        // one page on each transport: the panel (on both pages) says so, as the health endpoint does
        for (ChatPage page : new ChatPage[]{ws, sse}) {
            page.waitFor("the panel counting one WebSocket and one SSE connection",
                    () -> cell(page, "websocket", "connections").equals("1") && cell(page, "sse", "connections").equals("1"));
        }
        JsonObject health = Http.json(new Http(base).get("/realtime/health"));
        assertThat(health.getJsonObject("connections").getInt("websocket")).isEqualTo(1);
        assertThat(health.getJsonObject("connections").getInt("sse")).isEqualTo(1);

        // the panel's own updates are live deliveries: their lag shows
        ws.waitFor("a WebSocket lag", () -> cell(ws, "websocket", "p50").matches("\\d+(\\.\\d)?"));
        ws.waitFor("an SSE lag", () -> cell(ws, "sse", "p99").matches("\\d+(\\.\\d)?"));

        long before = Long.parseLong(text(ws, "stats-published-total"));
        ws.send("one");
        sse.send("two");
        ws.send("three");
        ws.waitFor("three more messages published by clients", () -> Long.parseLong(text(ws, "stats-published-total")) == before + 3);

        // a page that closes is counted out
        sse.driver.quit();
        ws.waitFor("the SSE connection counted out", () -> cell(ws, "sse", "connections").equals("0"));
        assertThat(cell(ws, "websocket", "connections")).isEqualTo("1");
    }

    static String cell(ChatPage page, String transport, String column) {
        WebElement row = page.driver.findElement(By.cssSelector("#live-stats tr[data-transport='" + transport + "']"));
        return row.findElement(By.className(column)).getText().trim();
    }

    static String text(ChatPage page, String id) {
        return page.driver.findElement(By.id(id)).getText().trim();
    }
}
