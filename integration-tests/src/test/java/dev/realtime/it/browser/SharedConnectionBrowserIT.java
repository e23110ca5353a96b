package dev.realtime.it.browser;

import dev.realtime.it.abuse.EngineProbeServlet;
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
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.realtime.it.browser.GapBrowserIT.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tabs of one browser share one server connection: through a SharedWorker (the default where the
 * browser has one), or through a leader tab elected with a Web Lock that holds it for the others
 * over a BroadcastChannel. The server counts one connection for three tabs, each tab receives every
 * message once, a tab that joins later replays the history it asked for, and closing the leader tab
 * hands the connection to another tab without losing or repeating a message.
 */
@ExtendWith(ArquillianExtension.class)
class SharedConnectionBrowserIT {
    static final String PAGE = """
            <!doctype html><meta charset="utf-8"><title>shared</title>
            <script type="module">
              import { connect } from './realtime/realtime.js';
              const q = new URLSearchParams(location.search);
              window.got = []; window.errors = []; window.state = 'none'; window.shared = null;
              const share = q.get('share') === 'leader' ? 'leader' : true;
              const client = connect('realtime', { share, reconnectDelay: 200, maxReconnectDelay: 1000 });
              window.client = client;
              client.on('state', (d) => { window.state = d.state; });
              client.on('share', (d) => { window.shared = d; });
              client.on('error', (d) => window.errors.push(d.code));
              client.subscribe(q.get('c'), (m) => window.got.push(m.data), { since: 'earliest' });
            </script>
            """;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("js-shared", Map.of()).addClass(EngineProbeServlet.class)
                .addAsWebResource(new StringAsset(PAGE), "shared.html");
    }

    @ArquillianResource
    URL base;

    Chromium chromium;
    Http http;

    @BeforeEach
    void setUp() {
        Chromium.requireOrSkip();
        chromium = new Chromium();
        http = new Http(base);
    }

    @AfterEach
    void tearDown(TestInfo test) throws IOException {
        Path dir = Path.of("target", "browser-logs");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("SharedConnectionBrowserIT-" + test.getTestMethod().orElseThrow().getName() + ".log"),
                chromium.consoleLogs());
        chromium.close();

    }

    @Test
    void threeTabsShareOneWorkerConnectionAndEachGetsEveryMessageOnce() throws Exception {
        String channel = "shared:" + UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver browser = chromium.open();
        String first = openTab(browser, null, channel, "worker");
        String second = openTab(browser, first, channel, "worker");
        List<Integer> expected = new ArrayList<>(publish(channel, 0, 3)); // history a later tab asks for
        for (String tab : List.of(first, second)) {
            awaitGot(browser, tab, expected);
        }
        String third = openTab(browser, first, channel, "worker");
        List<String> tabs = List.of(first, second, third);
        for (String tab : tabs) {
            await("three tabs counted in " + tab, () -> tabs(browser, tab) == 3);
        }
        awaitSessions(1);

        expected.addAll(publish(channel, 3, 13));
        for (String tab : tabs) {
            awaitGot(browser, tab, expected);
        }
        assertThat(sessions()).as("one server connection for three tabs").isEqualTo(1);

        // a tab that closes leaves; the others keep the connection
        browser.switchTo().window(first);
        browser.close();
        for (String tab : List.of(second, third)) {
            await("two tabs counted in " + tab, () -> tabs(browser, tab) == 2);
        }
        expected.addAll(publish(channel, 13, 18));
        for (String tab : List.of(second, third)) {
            awaitGot(browser, tab, expected);
            assertThat(errors(browser, tab)).as(tab).isEmpty();
        }
        assertThat(sessions()).isEqualTo(1);
    }

    @Test
    void closingTheLeaderTabHandsOverWithoutLossOrDuplicate() throws Exception {
        String channel = "leader:" + UUID.randomUUID().toString().substring(0, 8);
        ChromeDriver browser = chromium.open();
        String first = openTab(browser, null, channel, "leader");
        await("the first tab leads", () -> Boolean.TRUE.equals(shared(browser, first).get("leader")));
        String second = openTab(browser, first, channel, "leader");
        String third = openTab(browser, first, channel, "leader");
        List<String> tabs = List.of(first, second, third);
        for (String tab : tabs) {
            await("three tabs counted in " + tab, () -> tabs(browser, tab) == 3);
        }
        awaitSessions(1);
        List<Integer> expected = new ArrayList<>(publish(channel, 0, 5));
        for (String tab : tabs) {
            awaitGot(browser, tab, expected);
        }

        // messages keep coming while the leader tab closes and another takes over
        Thread publisher = new Thread(() -> {
            try {
                for (int i = 5; i < 45; i++) {
                    publish(channel, i, i + 1);
                    Thread.sleep(25);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "publisher");
        publisher.start();
        Thread.sleep(300);
        browser.switchTo().window(first);
        browser.close();
        publisher.join();
        expected.addAll(IntStream.range(5, 45).boxed().toList());

        List<String> left = List.of(second, third);
        for (String tab : left) {
            awaitGot(browser, tab, expected);
        }
        await("a new leader", () -> left.stream().filter(t -> Boolean.TRUE.equals(shared(browser, t).get("leader"))).count() == 1);
        for (String tab : left) {
            await("two tabs counted in " + tab, () -> tabs(browser, tab) == 2);
        }
        awaitSessions(1);
        expected.addAll(publish(channel, 45, 50));
        for (String tab : left) {
            awaitGot(browser, tab, expected);
            assertThat(state(browser, tab)).isEqualTo("open");
            assertThat(errors(browser, tab)).as(tab).isEmpty();
        }
    }

    /** Opens the page in a new tab (the first in the browser's own window); returns its handle once it is open. */
    private String openTab(ChromeDriver browser, String after, String channel, String share) {
        if (after != null) {
            browser.switchTo().newWindow(WindowType.TAB);
        }
        browser.get(base + "shared.html?c=" + channel + "&share=" + share);
        String handle = browser.getWindowHandle();
        try {
            await("tab open", () -> "open".equals(state(browser, handle)));
            String mode = share.equals("leader") ? "leader" : "worker";
            await("shared through a " + mode, () -> mode.equals(shared(browser, handle).get("mode")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return handle;
    }

    private List<Integer> publish(String channel, int from, int to) {
        List<Integer> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            assertThat(http.publish(channel, String.valueOf(i)).statusCode()).isEqualTo(202);
            sent.add(i);
        }
        return sent;
    }

    /** Waits until the tab holds as many messages as expected, then checks they are exactly those, in order. */
    private void awaitGot(ChromeDriver browser, String tab, List<Integer> expected) throws InterruptedException {
        List<Integer> want = List.copyOf(expected);
        await(tab + " got " + want.size() + " messages", () -> got(browser, tab).size() >= want.size());
        Thread.sleep(100); // a duplicate would arrive right behind
        assertThat(got(browser, tab)).as("messages in tab " + tab + ", once each, in order").containsExactlyElementsOf(want);
    }

    private int sessions() {
        return Integer.parseInt(http.get("/test/abuse/sessions").body().trim());
    }

    /** Anchor and catch-up polls count while they run: wait for them to end. */
    private void awaitSessions(int n) throws InterruptedException {
        await(n + " server connection(s)", () -> sessions() == n);
    }

    private static Object in(ChromeDriver browser, String tab, String expression) {
        browser.switchTo().window(tab);
        return browser.executeScript("return " + expression);
    }

    private static String state(ChromeDriver browser, String tab) {
        return (String) in(browser, tab, "window.state");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> shared(ChromeDriver browser, String tab) {
        Object d = in(browser, tab, "window.shared");
        return d == null ? Map.of() : (Map<String, Object>) d;
    }

    private static int tabs(ChromeDriver browser, String tab) {
        Object n = shared(browser, tab).get("tabs");
        return n == null ? 0 : ((Number) n).intValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> got(ChromeDriver browser, String tab) {
        return ((List<Number>) in(browser, tab, "window.got")).stream().map(Number::intValue).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> errors(ChromeDriver browser, String tab) {
        return (List<String>) in(browser, tab, "window.errors");
    }
}
