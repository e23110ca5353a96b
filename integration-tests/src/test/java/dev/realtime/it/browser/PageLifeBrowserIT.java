package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page's network going away and coming back (Chromium's offline emulation): while offline a
 * dropped client neither retries nor falls back, and when the browser is online again it reconnects
 * at once, although its backoff would have it wait a minute, and misses nothing.
 */
@ExtendWith(ArquillianExtension.class)
class PageLifeBrowserIT {
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>page life</title>
            <script type="module">
              import { connect } from './realtime/realtime.js';
              const q = new URLSearchParams(location.search);
              window.sockets = 0;
              const Native = window.WebSocket;
              window.WebSocket = class extends Native {
                constructor(...args) { window.sockets++; super(...args); }
              };
              window.got = []; window.state = 'none'; window.transports = [];
              // the offline emulation applies to this page only: a connection of its own, not a shared worker's
              const client = connect('realtime', { share: false, reconnectDelay: 100, maxReconnectDelay: 60000 });
              window.client = client;
              client.on('state', (d) => { window.state = d.state; });
              client.on('transport', (d) => window.transports.push(d.transport));
              client.subscribe(q.get('c'), (m) => window.got.push(m.data), { since: 'earliest' });
            </script>
            """;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("js-page-life", Map.of()).addAsWebResource(new StringAsset(PAGE), "life.html");
    }

    @ArquillianResource
    URL base;

    @RegisterExtension
    final Chromium chromium = new Chromium();

    @Test
    void offlineTheClientWaitsAndOnlineItReconnectsAtOnceWithoutLoss() throws Exception {
        Http http = new Http(base);
        String channel = "life:" + UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver page = chromium.open();
        page.get(base + "life.html?c=" + channel);
        await("open", () -> "open".equals(page.executeScript("return window.state")));
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assertThat(http.publish(channel, String.valueOf(i)).statusCode()).isEqualTo(202);
            expected.add(i);
        }
        await("messages", () -> got(page).size() == 2);

        page.executeCdpCommand("Network.enable", Map.of());
        network(page, false);
        await("the page knows it is offline", () -> Boolean.FALSE.equals(page.executeScript("return navigator.onLine")));
        // the server drops the connection (a proxy timeout, a deploy) while the page is offline
        HttpResponse<String> dropped = http.send(HttpRequest.newBuilder(URI.create(base + "test/drop"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(dropped.body().trim()).isEqualTo("1");
        await("reconnecting", () -> "reconnecting".equals(page.executeScript("return window.state")));
        long sockets = count(page, "window.sockets");
        for (int i = 2; i < 5; i++) {
            assertThat(http.publish(channel, String.valueOf(i)).statusCode()).isEqualTo(202);
            expected.add(i);
        }
        Thread.sleep(2000); // with a 100 ms backoff a client that ignores offline tries many times meanwhile
        assertThat(count(page, "window.sockets")).as("WebSocket attempts while offline").isEqualTo(sockets);
        assertThat(page.executeScript("return window.transports")).as("no fallback while offline").isEqualTo(List.of("websocket"));

        long online = System.nanoTime();
        network(page, true);
        // the backoff of a client that had been trying would now be up to maxReconnectDelay (a minute)
        await("open again at once", () -> "open".equals(page.executeScript("return window.state")));
        System.out.printf("PageLifeBrowserIT: open again %d ms after the browser came back online%n",
                (System.nanoTime() - online) / 1_000_000);
        await("the messages published while offline", () -> got(page).size() >= expected.size());
        Thread.sleep(100);
        assertThat(got(page)).containsExactlyElementsOf(expected);
        assertThat(page.executeScript("return window.transports")).isEqualTo(List.of("websocket"));
    }

    private static void network(ChromeDriver page, boolean online) {
        page.executeCdpCommand("Network.emulateNetworkConditions",
                Map.of("offline", !online, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    private static long count(ChromeDriver page, String expression) {
        return ((Number) page.executeScript("return " + expression)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> got(ChromeDriver page) {
        return ((List<Number>) page.executeScript("return window.got")).stream().map(Number::intValue).toList();
    }
}
