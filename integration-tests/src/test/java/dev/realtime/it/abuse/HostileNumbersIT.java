package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import org.assertj.core.api.SoftAssertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Hostile JSON numbers: refused as invalid_json over HTTP and WebSocket, never a 500, a wrong code or a dropped connection. */
@ExtendWith(ArquillianExtension.class)
class HostileNumbersIT {
    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("numbers", Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    void numbersTheParserCannotHoldAreInvalidJson() throws Exception {
        String prefix = base.getPath().replaceAll("/$", "") + "/realtime";
        SoftAssertions soft = new SoftAssertions();
        List<String> numbers = List.of("1".repeat(2001), "1e99999999999", "[0.5e-99999999999]");
        try (LogWatch log = LogWatch.attach()) {
            for (String n : numbers) {
                byte[] body = n.getBytes(StandardCharsets.UTF_8);
                RawHttp.Response r = RawHttp.exchange(base, "POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + n);
                String label = "HTTP publish of " + n.substring(0, Math.min(14, n.length())) + ": " + r;
                soft.assertThat(r.status()).as(label).isEqualTo(400);
                soft.assertThat(r.text()).as(label).contains("\"error\":\"invalid_json\"");
            }
            try (RawWs ws = RawWs.connect(base, "/realtime/ws", 0)) {
                ws.socket.setSoTimeout(10_000);
                for (String n : numbers) {
                    String label = "WebSocket publish of " + n.substring(0, Math.min(14, n.length()));
                    ws.sendText("{\"type\":\"publish\",\"channel\":\"a\",\"data\":" + n + "}");
                    RawWs.Frame f = ws.read();
                    soft.assertThat(f.opcode() == RawWs.CLOSE ? "closed with " + f.closeCode() : f.text()).as(label)
                            .contains("\"type\":\"error\"").contains("\"code\":\"invalid_json\"");
                    if (f.opcode() == RawWs.CLOSE) {
                        break;
                    }
                }
            }
            Thread.sleep(300);
            soft.assertThat(log.alarming).as("SEVERE, or WARNING with a stack trace:\n" + LogWatch.describe(log.alarming)).isEmpty();
        }
        soft.assertAll();
    }
}
