package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket that publishes far over its rate is closed (1008), but only after every publish it
 * had accepted was acknowledged and a {@code rate_limited} error frame said why: a client that retries
 * what was not acknowledged never duplicates a message.
 */
@ExtendWith(ArquillianExtension.class)
class PublishFloodIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("flood", Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    void theFloodCloseAcknowledgesEveryAcceptedPublishAndSaysWhyFirst() throws Exception {
        Http http = new Http(base);
        String channel = "flood:" + UUID.randomUUID();
        URI ws = URI.create(http.uri("/realtime/ws").toString().replaceFirst("^http", "ws"));
        try (WsClient watcher = new WsClient(URI.create(ws + "?channel=" + enc(channel)));
             RawWs flooder = RawWs.connect(base, "/realtime/ws", 0)) {
            watcher.next("subscribed");
            // 3,000 publish frames in one write: the flood is as fast as the server reads, whatever the
            // load on this machine (a client sending frame by frame may stay under the close rule)
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 3000; i++) {
                all.write(RawWs.frame(RawWs.TEXT, ("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"ref\":" + i
                        + ",\"data\":" + i + "}").getBytes(StandardCharsets.UTF_8), true, true));
            }
            Thread writer = new Thread(() -> {
                try {
                    flooder.out.write(all.toByteArray());
                    flooder.out.flush();
                } catch (IOException closed) {
                    // the server closed while the rest was still on its way
                }
            });
            writer.start();

            Set<Integer> acked = new HashSet<>();
            int refused = 0;
            JsonObject last = null;
            int closeCode;
            while (true) {
                RawWs.Frame f = flooder.read();
                if (f.opcode() == RawWs.CLOSE) {
                    closeCode = f.closeCode();
                    break;
                }
                if (f.opcode() != RawWs.TEXT) {
                    continue;
                }
                last = Http.json(f.text());
                switch (last.getString("type")) {
                    case "ack" -> acked.add(last.getInt("ref"));
                    case "error" -> {
                        assertThat(last.getString("code")).isEqualTo("rate_limited");
                        refused++;
                    }
                    default -> throw new AssertionError("unexpected frame " + last);
                }
            }
            writer.join(10_000);
            assertThat(closeCode).as("close code").isEqualTo(1008);
            assertThat(last).as("a frame before the close").isNotNull();
            assertThat(last.getString("type")).as("the last frame before the close says why").isEqualTo("error");

            // every message the watcher got was acknowledged to the flooder, and every ack was delivered
            Set<Integer> delivered = new HashSet<>();
            for (JsonObject f : watcher.drain(Duration.ofSeconds(2))) {
                if (f.getString("type").equals("message")) {
                    delivered.add(f.getInt("data"));
                }
            }
            assertThat(delivered).as("delivered = acknowledged (refused " + refused + ")").isEqualTo(acked);
            assertThat(acked).isNotEmpty();
        }
    }
}
