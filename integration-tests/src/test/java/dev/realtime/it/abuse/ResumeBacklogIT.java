package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that was dropped as a slow consumer resumes from its cursor: the replay (here 1,500
 * messages of 6 KiB, 9 MiB, all still in history) is larger than the outbound queue (512 messages,
 * 2 MiB). It must still arrive in full, in order, on WebSocket and on SSE; today the replay is
 * queued in one go, overflows the queue, and the resuming connection is dropped again (1008 / end of
 * stream) before its first message, so it can never catch up.
 */
@ExtendWith(ArquillianExtension.class)
class ResumeBacklogIT {
    static final int BACKLOG = 1500;
    static final String PAD = "x".repeat(6000);

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("backlog", Map.of(
                "realtime.queue.maxMessages", "512",
                "realtime.queue.maxBytes", "2097152",
                "realtime.queue.policy", "disconnect",
                "realtime.history.size", "5000",
                "realtime.publish.rate", "1000000"));
    }

    @ArquillianResource
    URL base;

    @Test
    void resumingABacklogLargerThanTheQueueDeliversAllOfIt() throws Exception {
        Http http = new Http(base);
        String channel = "backlog:" + UUID.randomUUID();
        String cursor;
        try (WsClient c = new WsClient(ws(http, "?channel=" + enc(channel)))) {
            c.next("subscribed");
            publish(http, channel, 0);
            cursor = c.next("message").getString("cursor");
        }
        for (int i = 1; i <= BACKLOG; i++) {
            publish(http, channel, i);
        }
        try (WsClient resumed = new WsClient(ws(http, "?channel=" + enc(channel) + "&since=" + enc(cursor)))) {
            List<Integer> seen = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < BACKLOG && System.nanoTime() < end) {
                JsonObject f = resumed.frames.poll(100, TimeUnit.MILLISECONDS);
                if (f == null) {
                    if (resumed.closeCode.isDone()) {
                        throw new AssertionError("the resumed WebSocket was closed with " + resumed.closeCode.getNow(null)
                                + " after " + seen.size() + " of " + BACKLOG + " messages");
                    }
                } else if (f.getString("type").equals("message")) {
                    seen.add(f.getJsonObject("data").getInt("i"));
                }
            }
            assertThat(seen).isEqualTo(SlowConsumerIT.range(1, BACKLOG + 1));
        }
        try (SseClient resumed = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), cursor)) {
            assertThat(resumed.nextLine()).startsWith("retry:");
            List<Integer> seen = new ArrayList<>();
            while (seen.size() < BACKLOG) {
                List<String> event = resumed.nextEvent();
                assertThat(event).as("after " + seen.size() + " events").doesNotContain(SseClient.END);
                seen.add(Http.json(SseClient.field(event, "data")).getJsonObject("data").getInt("i"));
            }
            assertThat(seen).isEqualTo(SlowConsumerIT.range(1, BACKLOG + 1));
        }
    }

    static URI ws(Http http, String query) {
        return http.ws(query);
    }

    static void publish(Http http, String channel, int i) {
        assertThat(http.publish(channel, "{\"i\":" + i + ",\"pad\":\"" + PAD + "\"}").statusCode()).isEqualTo(202);
    }
}
