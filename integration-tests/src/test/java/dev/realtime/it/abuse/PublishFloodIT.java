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

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
             WsClient flooder = new WsClient(ws)) {
            watcher.next("subscribed");
            int sent = 0;
            for (int i = 0; i < 3000 && !flooder.closeCode.isDone(); i++) {
                try {
                    flooder.socket.sendText("{\"type\":\"publish\",\"channel\":\"" + channel + "\",\"ref\":" + i + ",\"data\":" + i + "}", true).join();
                    sent++;
                } catch (RuntimeException closed) {
                    break; // the server closed while we were still sending
                }
            }
            assertThat(flooder.closeCode.get(15, TimeUnit.SECONDS)).as("close code").isEqualTo(1008);

            List<JsonObject> frames = flooder.drain(Duration.ofMillis(200));
            Set<Integer> acked = new HashSet<>();
            int refused = 0;
            for (JsonObject f : frames) {
                switch (f.getString("type")) {
                    case "ack" -> acked.add(f.getInt("ref"));
                    case "error" -> {
                        assertThat(f.getString("code")).isEqualTo("rate_limited");
                        refused++;
                    }
                    default -> throw new AssertionError("unexpected frame " + f);
                }
            }
            assertThat(frames.get(frames.size() - 1).getString("type")).as("the last frame before the close says why").isEqualTo("error");

            // every message the watcher got was acknowledged to the flooder, and every ack was delivered
            Set<Integer> delivered = new HashSet<>();
            for (JsonObject f : watcher.drain(Duration.ofSeconds(2))) {
                if (f.getString("type").equals("message")) {
                    delivered.add(f.getInt("data"));
                }
            }
            assertThat(delivered).as("delivered = acknowledged (sent " + sent + ", refused " + refused + ")").isEqualTo(acked);
            assertThat(acked).isNotEmpty();
        }
    }
}
