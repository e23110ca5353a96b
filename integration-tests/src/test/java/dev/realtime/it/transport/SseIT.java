package dev.realtime.it.transport;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static dev.realtime.it.support.ErrorAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ArquillianExtension.class)
class SseIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("sse", Map.of("realtime.heartbeat.interval", "400ms", "realtime.sse.retry", "1500"));
    }

    @ArquillianResource
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        channel = "sse:" + UUID.randomUUID();
    }

    @Test
    void retryLineComesFirstAndEventsFollowInOrder() throws Exception {
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream").contains("charset=utf-8");
            assertThat(sse.response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(sse.response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
            assertThat(sse.nextLine()).isEqualTo("retry: 1500");
            // live before the retry line: what is published now is delivered
            http.publish(channel, "{\"n\":1}");
            http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=" + enc(channel) + "&event=typing"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"n\":2}")).build());

            List<String> first = sse.nextEvent();
            assertThat(SseClient.field(first, "id")).isNotBlank();
            assertThat(SseClient.field(first, "event")).as("the event line is left out for 'message'").isNull();
            JsonObject m1 = Http.json(SseClient.field(first, "data"));
            assertThat(m1.getJsonObject("data").getInt("n")).isEqualTo(1);
            assertThat(m1.getString("event")).isEqualTo("message");

            List<String> second = sse.nextEvent();
            assertThat(SseClient.field(second, "event")).isEqualTo("typing");
            assertThat(Http.json(SseClient.field(second, "data")).getJsonObject("data").getInt("n")).isEqualTo(2);
        }
    }

    @Test
    void heartbeatCommentsKeepAnIdleStreamAlive() throws Exception {
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            assertThat(sse.nextLine()).isEmpty();
            long start = System.nanoTime();
            assertThat(sse.nextLine()).startsWith(":");
            assertThat((System.nanoTime() - start) / 1_000_000).as("heartbeat after about the interval").isLessThan(5000);
        }
    }

    @Test
    void lastEventIdResumesWithoutLossOrDuplicates() throws Exception {
        String lastId;
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            http.publish(channel, "1");
            lastId = SseClient.field(sse.nextEvent(), "id");
        }
        http.publish(channel, "2");
        http.publish(channel, "3");
        // since= is overridden by Last-Event-ID, as a browser's reconnect sends it
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?since=earliest&channel=" + enc(channel)), lastId)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            List<Integer> seen = new ArrayList<>();
            seen.add(Http.json(SseClient.field(sse.nextEvent(), "data")).getInt("data"));
            seen.add(Http.json(SseClient.field(sse.nextEvent(), "data")).getInt("data"));
            assertThat(seen).containsExactly(2, 3);
        }
    }

    @Test
    void gapIsAnEventWithoutIdBeforeTheReplay() throws Exception {
        String foreign = "1~zzz~" + Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0"))
                .getString("cursor").replaceFirst("^1~[A-Za-z0-9]+~", "");
        http.publish(channel, "1");
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel) + "&since=" + enc(foreign)), null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            List<String> gap = sse.nextEvent();
            assertThat(SseClient.field(gap, "event")).isEqualTo("gap");
            assertThat(SseClient.field(gap, "id")).isNull();
            assertThat(Http.json(SseClient.field(gap, "data")).getString("channel")).isEqualTo(channel);
            assertThat(Http.json(SseClient.field(sse.nextEvent(), "data")).getInt("data")).isEqualTo(1);
        }
    }

    @Test
    void carriageReturnsAndLineFeedsNeverReachTheStream() throws Exception {
        try (SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            assertThat(sse.nextLine()).startsWith("retry:");
            http.publish(channel, "{\"text\":\"line one\\r\\nevent: injected\\ndata: {}\\r\\rid: x\"}");
            List<String> event = sse.nextEvent();
            assertThat(event).hasSize(2); // id and data only
            assertThat(SseClient.field(event, "event")).isNull();
            assertThat(Http.json(SseClient.field(event, "data")).getJsonObject("data").getString("text"))
                    .isEqualTo("line one\r\nevent: injected\ndata: {}\r\rid: x");
        }
    }

    @Test
    void badRequestsGetJsonErrorsNotAStream() {
        assertError(http.get("/realtime/sse"), 400, "missing_channel");
        assertError(http.get("/realtime/sse?channel=" + enc("no spaces")), 400, "invalid_channel");
        assertError(http.get("/realtime/sse?channel=a&since=%25%25"), 400, "invalid_cursor");
        var head = http.send(HttpRequest.newBuilder(http.uri("/realtime/sse?channel=a")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).as("HEAD opens no stream").isEqualTo(405);
        assertThat(head.headers().firstValue("Allow")).hasValue("GET");
    }
}
