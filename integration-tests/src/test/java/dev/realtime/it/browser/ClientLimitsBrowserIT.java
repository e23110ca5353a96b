package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.browser.GapBrowserIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JS client in Chromium against the server's limits: one channel over the per-connection limit
 * is refused alone on every transport (the others keep flowing), and a forced transport that cannot
 * connect says so with an error event instead of staying silent.
 */
@ExtendWith(ArquillianExtension.class)
class ClientLimitsBrowserIT {
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>limits</title>
            <script type="module">
              import { connect } from './realtime/realtime.js';
              const q = new URLSearchParams(location.search);
              window.polls = 0;
              const nativeFetch = window.fetch.bind(window);
              window.fetch = (url, init) => { if (String(url).includes('/poll')) window.polls++; return nativeFetch(url, init); };
              window.got = []; window.errors = []; window.refused = []; window.state = 'none';
              // share=off: a connection of this page's own, so the fetch counter above sees its polls
              const client = connect(q.get('url') || 'realtime', { transports: [q.get('t')], reconnectDelay: 200, maxReconnectDelay: 1000,
                share: q.get('share') !== 'off' });
              window.client = client;
              client.on('state', (d) => { window.state = d.state; });
              client.on('error', (d) => window.errors.push([d.code, d.channel || null]));
              const prefix = q.get('c');
              for (let i = 0; i < Number(q.get('n') || 0); i++) {
                client.subscribe(prefix + i, (m) => window.got.push(m.channel), { since: 'earliest' })
                  .ready.catch((e) => window.refused.push([prefix + i, e.code]));
              }
            </script>
            """;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("js-limits", Map.of()).addAsWebResource(new StringAsset(PAGE), "limits.html");
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
    void tearDown() {
        if (chromium != null) { // null when the test was skipped for want of a browser
            chromium.close();
        }
    }

    @Test
    void the65thChannelIsRefusedAloneOnEveryTransport() throws Exception {
        Http http = new Http(base);
        for (String transport : List.of("websocket", "sse", "longpoll")) {
            String prefix = "lim:" + transport + ":" + UUID.randomUUID().toString().substring(0, 6) + ":";
            ChromeDriver page = chromium.open();
            page.get(base + "limits.html?t=" + transport + "&n=65&c=" + prefix);
            await(transport + " open", () -> "open".equals(page.executeScript("return window.state")));
            await(transport + " refusal", () -> !list(page, "window.refused").isEmpty());
            assertThat(list(page, "window.refused")).as(transport).containsExactly(List.of(prefix + 64, "too_many_channels"));
            assertThat(list(page, "window.errors")).as(transport).containsExactly(List.of("too_many_channels", prefix + 64));
            assertThat(((Number) page.executeScript("return window.client.channels.length")).intValue()).isEqualTo(64);
            // the other channels flow: the first and the last of them
            assertThat(http.publish(prefix + 0, "1").statusCode()).isEqualTo(202);
            assertThat(http.publish(prefix + 63, "2").statusCode()).isEqualTo(202);
            await(transport + " messages", () -> list(page, "window.got").size() >= 2);
            assertThat(list(page, "window.got")).as(transport).containsExactlyInAnyOrder(prefix + 0, prefix + 63);
            assertThat(page.executeScript("return window.state")).isEqualTo("open");
        }
    }

    @Test
    void aForcedTransportThatCannotConnectReportsAnError() throws Exception {
        ChromeDriver page = chromium.open();
        // nothing listens on that port of this host: the WebSocket can never open
        page.get(base + "limits.html?t=websocket&n=1&c=x&url=" + "http://127.0.0.1:65534/realtime");
        await("an error event", () -> !list(page, "window.errors").isEmpty());
        assertThat(((List<?>) list(page, "window.errors").get(0)).get(0)).isEqualTo("connect_failed");
        assertThat(page.executeScript("return window.state")).isEqualTo("connecting");
    }

    @Test
    void backOnlineAHeldLongPollIsReopenedAtOnce() throws Exception {
        ChromeDriver page = chromium.open();
        page.get(base + "limits.html?t=longpoll&share=off&n=1&c=online:" + UUID.randomUUID().toString().substring(0, 6) + ":");
        await("open", () -> "open".equals(page.executeScript("return window.state")));
        Thread.sleep(500); // the client is now holding a 25 s poll
        long before = ((Number) page.executeScript("return window.polls")).longValue();
        page.executeScript("window.dispatchEvent(new Event('online'))");
        await("a new poll before the held one (25 s) ends", () -> ((Number) page.executeScript("return window.polls")).longValue() > before);
        await("open again", () -> "open".equals(page.executeScript("return window.state")));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(ChromeDriver page, String expression) {
        return (List<Object>) page.executeScript("return " + expression);
    }
}
