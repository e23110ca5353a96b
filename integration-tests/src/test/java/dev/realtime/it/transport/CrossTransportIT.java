package dev.realtime.it.transport;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/** A cursor from one transport resumes on another; every transport sees one publisher's order. */
@ExtendWith(ArquillianExtension.class)
class CrossTransportIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("cross", Map.of());
    }

    @ArquillianResource
    URL base;
    Http http;
    String a;
    String b;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        a = "x:" + UUID.randomUUID();
        b = "y:" + UUID.randomUUID();
    }

    URI ws(String query) {
        return http.ws(query);
    }

    @Test
    void webSocketCursorResumesOverLongPollThenSse() throws Exception {
        String cursor;
        try (WsClient c = new WsClient(ws("?channel=" + enc(a) + "&channel=" + enc(b)))) {
            c.next("subscribed");
            c.next("subscribed");
            http.publish(a, "\"a1\"");
            http.publish(b, "\"b1\"");
            c.next("message");
            cursor = c.next("message").getString("cursor");
        }
        http.publish(a, "\"a2\"");
        http.publish(b, "\"b2\"");
        JsonObject page = Http.json(http.get("/realtime/poll?timeout=0&channel=" + enc(a) + "&channel=" + enc(b) + "&since=" + enc(cursor)));
        assertThat(page.getJsonArray("messages").stream().map(v -> v.asJsonObject().getString("data")).toList())
                .containsExactlyInAnyOrder("a2", "b2");

        http.publish(b, "\"b3\"");
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(b) + "&since=" + enc(page.getString("cursor"))), null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            List<String> event = sse.nextEvent();
            assertThat(Http.json(SseClient.field(event, "data")).getString("data")).isEqualTo("b3");
            String sseCursor = SseClient.field(event, "id");
            http.publish(b, "\"b4\"");
            try (WsClient c = new WsClient(ws("?channel=" + enc(b) + "&since=" + enc(sseCursor)))) {
                c.next("subscribed");
                assertThat(c.next("message").getString("data")).isEqualTo("b4");
                assertThat(c.drain(Duration.ofMillis(200))).isEmpty();
            }
        }
    }

    @Test
    void concurrentPublishersAreSeenInOneOrderByEveryTransport() throws Exception {
        int publishers = 4;
        int each = 50;
        try (WsClient ws = new WsClient(ws("?channel=" + enc(a)));
             SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(a)), null)) {
            ws.next("subscribed");
            assertThat(sse.nextLine()).startsWith("retry:");
            String pollCursor = Http.json(http.get("/realtime/poll?timeout=0&channel=" + enc(a))).getString("cursor");

            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            List<CompletableFuture<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int id = p;
                done.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        assertThat(http.publish(a, "\"" + id + "-" + i + "\"").statusCode()).isEqualTo(202);
                    }
                }, pool));
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
            pool.shutdown();

            List<String> viaWs = new ArrayList<>();
            while (viaWs.size() < publishers * each) {
                viaWs.add(ws.next("message").getString("id"));
            }
            List<String> viaSse = new ArrayList<>();
            while (viaSse.size() < publishers * each) {
                viaSse.add(Http.json(SseClient.field(sse.nextEvent(), "data")).getString("id"));
            }
            List<String> viaPoll = new ArrayList<>();
            while (viaPoll.size() < publishers * each) {
                JsonObject page = Http.json(http.get("/realtime/poll?timeout=2000&channel=" + enc(a) + "&since=" + enc(pollCursor)));
                page.getJsonArray("messages").forEach(v -> viaPoll.add(v.asJsonObject().getString("id")));
                pollCursor = page.getString("cursor");
            }
            assertThat(viaWs).doesNotHaveDuplicates().hasSize(publishers * each);
            assertThat(viaSse).isEqualTo(viaWs);
            assertThat(viaPoll).isEqualTo(viaWs);
        }
    }
}
