package dev.realtime.it.browser;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JS client in Chromium across a restart of the application (history lost, ids start again at
 * 1): on every transport it reports the gap and then delivers every new message, although their ids
 * are ids it saw before the restart.
 */
@ExtendWith(ArquillianExtension.class)
class GapBrowserIT {
    static final String APP = "js-gap";
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>gap</title>
            <script type="module">
              import { connect } from './realtime/realtime.js';
              const q = new URLSearchParams(location.search);
              window.got = []; window.gaps = []; window.state = 'none';
              const client = connect('realtime', { transports: [q.get('t')], reconnectDelay: 200, maxReconnectDelay: 1000 });
              client.on('state', (d) => { window.state = d.state; });
              client.on('gap', (d) => window.gaps.push(d.channel));
              client.subscribe(q.get('c'), (m) => window.got.push(m.id), { since: 'earliest' });
            </script>
            """;

    @Deployment(name = APP, testable = false, managed = false)
    static WebArchive war() {
        return Deployments.war(APP, Map.of()).addAsWebResource(new StringAsset(PAGE), "gap.html");
    }

    @ArquillianResource
    Deployer deployer;

    Chromium chromium;

    @AfterEach
    void close() {
        if (chromium != null) {
            chromium.close();
        }
        deployer.undeploy(APP);
    }

    @Test
    void afterARestartEveryTransportDeliversTheNewMessagesWhoseIdsItSawBefore() throws Exception {
        Chromium.requireOrSkip();
        deployer.deploy(APP);
        URL app = URI.create("http://127.0.0.1:" + System.getProperty("it.http.port") + "/" + APP + "/").toURL();
        Http http = new Http(app);
        chromium = new Chromium();
        Map<String, ChromeDriver> pages = new LinkedHashMap<>();
        Map<String, String> channels = new LinkedHashMap<>();
        for (String transport : List.of("websocket", "sse", "longpoll")) {
            String channel = "gap:" + transport + ":" + UUID.randomUUID().toString().substring(0, 8);
            ChromeDriver page = chromium.open();
            page.get(app + "gap.html?t=" + transport + "&c=" + channel);
            pages.put(transport, page);
            channels.put(transport, channel);
        }
        for (var p : pages.entrySet()) {
            await(p.getKey() + " open", () -> "open".equals(p.getValue().executeScript("return window.state")));
        }
        for (String channel : channels.values()) {
            for (int i = 0; i < 3; i++) {
                assertThat(http.publish(channel, "\"before " + i + "\"").statusCode()).isEqualTo(202);
            }
        }
        for (var p : pages.entrySet()) {
            await(p.getKey() + " before the restart", () -> got(p.getValue()).equals(List.of("1", "2", "3")));
        }

        // the application restarts: a new engine, history gone, positions start again
        deployer.undeploy(APP);
        deployer.deploy(APP);
        for (var p : pages.entrySet()) {
            await(p.getKey() + " gap reported", () -> !gaps(p.getValue()).isEmpty());
        }
        for (String channel : channels.values()) {
            for (int i = 0; i < 5; i++) {
                assertThat(http.publish(channel, "\"after " + i + "\"").statusCode()).isEqualTo(202);
            }
        }
        for (var p : pages.entrySet()) {
            await(p.getKey() + " after the restart", () -> got(p.getValue()).size() >= 8);
            Thread.sleep(200);
            assertThat(got(p.getValue())).as(p.getKey()).containsExactly("1", "2", "3", "1", "2", "3", "4", "5");
            assertThat(gaps(p.getValue())).as(p.getKey()).containsOnly(channels.get(p.getKey()));
        }
    }

    @SuppressWarnings("unchecked")
    static List<String> got(ChromeDriver page) {
        return new ArrayList<>((List<String>) page.executeScript("return window.got"));
    }

    @SuppressWarnings("unchecked")
    static List<String> gaps(ChromeDriver page) {
        return new ArrayList<>((List<String>) page.executeScript("return window.gaps"));
    }
}
