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
import org.openqa.selenium.WebDriver;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who is online and who is typing in the chat sample (protocol 1.1), in real headless Chromium
 * against embedded Tomcat: three people on WebSocket, SSE and long-polling see each other in the
 * room, see "… is typing" while another types, and see someone leave when their page closes.
 */
@ExtendWith(ArquillianExtension.class)
class PresenceBrowserIT {

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

    @BeforeEach
    void setUp() {
        Chromium.requireOrSkip();
        chromium = new Chromium();
        room = "presence-" + UUID.randomUUID().toString().substring(0, 8);
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
