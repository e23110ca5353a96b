package dev.realtime.it.transport;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ArquillianExtension.class)
class LongPollIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("poll", Map.of("realtime.history.size", "50"));
    }

    @ArquillianResource
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        channel = "poll:" + UUID.randomUUID();
    }

    @Test
    void heldPollIsAnsweredByTheNextPublish() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(
                () -> http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=10000"));
        Thread.sleep(300); // the poll is held
        assertThat(poll).isNotDone();
        assertThat(http.publish(channel, "{\"text\":\"hi\"}").statusCode()).isEqualTo(202);

        HttpResponse<String> r = poll.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonObject body = Http.json(r);
        assertThat(body.getJsonArray("messages")).hasSize(1);
        JsonObject m = body.getJsonArray("messages").getJsonObject(0);
        assertThat(m.getString("channel")).isEqualTo(channel);
        assertThat(m.getString("event")).isEqualTo("message");
        assertThat(m.getJsonObject("data").getString("text")).isEqualTo("hi");
        assertThat(m.getJsonNumber("ts").longValue()).isPositive();
        assertThat(body.getString("cursor")).matches("[A-Za-z0-9_.~:-]+");
        assertThat(body.getJsonArray("gaps")).isEmpty();
    }

    @Test
    void timeoutAnswersEmptyWithACursorThatResumesWithoutLoss() {
        JsonObject empty = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=200"));
        assertThat(empty.getJsonArray("messages")).isEmpty();
        String cursor = empty.getString("cursor");

        for (int i = 1; i <= 5; i++) {
            http.publish(channel, "{\"n\":" + i + "}");
        }
        List<Integer> seen = new ArrayList<>();
        while (seen.size() < 5) {
            JsonObject page = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=2000&since=" + enc(cursor)));
            page.getJsonArray("messages").forEach(v -> seen.add(v.asJsonObject().getJsonObject("data").getInt("n")));
            cursor = page.getString("cursor");
        }
        assertThat(seen).containsExactly(1, 2, 3, 4, 5);
        JsonObject after = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=" + enc(cursor)));
        assertThat(after.getJsonArray("messages")).as("no duplicates after resuming").isEmpty();
    }

    @Test
    void sinceEarliestReturnsRetainedHistoryAndTrimmedHistoryIsAGap() {
        String cursor = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0")).getString("cursor");
        for (int i = 1; i <= 60; i++) { // history keeps 50
            http.publish(channel, String.valueOf(i));
        }
        JsonObject earliest = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=earliest"));
        assertThat(earliest.getJsonArray("messages")).hasSize(50);
        assertThat(earliest.getJsonArray("messages").getJsonObject(0).getInt("data")).isEqualTo(11);
        assertThat(earliest.getJsonArray("gaps")).as("earliest never reports a gap").isEmpty();

        JsonObject resumed = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=" + enc(cursor)));
        assertThat(resumed.getJsonArray("gaps").getString(0)).isEqualTo(channel);
        assertThat(resumed.getJsonArray("messages")).hasSize(50);
        JsonObject next = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=" + enc(resumed.getString("cursor"))));
        assertThat(next.getJsonArray("gaps")).as("a gap is reported once").isEmpty();
        assertThat(next.getJsonArray("messages")).isEmpty();
    }

    @Test
    void cursorFromAnotherEpochIsAGapNotWrongData() {
        http.publish(channel, "1");
        // a well-formed cursor from a bus that no longer exists (epoch "zzz"), positioned at 0 for this channel
        String realCursor = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=earliest")).getString("cursor");
        String foreign = realCursor.replaceFirst("^1~[A-Za-z0-9]+~", "1~zzz~");
        JsonObject r = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0&since=" + enc(foreign)));
        assertThat(r.getJsonArray("gaps")).hasSize(1);
        assertThat(r.getJsonArray("messages")).hasSize(1);
    }

    @Test
    void errorsUseTheProtocolCodes() {
        assertError(http.get("/realtime/poll"), 400, "missing_channel");
        assertError(http.get("/realtime/poll?channel=" + enc("bad channel!")), 400, "invalid_channel");
        assertError(http.get("/realtime/poll?channel=a&since=not-a-cursor"), 400, "invalid_cursor");
        assertError(http.get("/realtime/poll?channel=a&timeout=-1"), 400, "invalid_timeout");
        assertError(http.get("/realtime/poll?channel=a&timeout=soon"), 400, "invalid_timeout");
        StringBuilder many = new StringBuilder("/realtime/poll?timeout=0");
        for (int i = 0; i < 65; i++) {
            many.append("&channel=c").append(i);
        }
        assertError(http.get(many.toString()), 400, "too_many_channels");
        assertThat(http.get(many.toString().replace("&channel=c64", "&channel=c0")).statusCode())
                .as("a channel named twice counts once").isEqualTo(200);
        assertError(http.get("/realtime/nothing-here"), 404, "not_found");
        HttpResponse<String> post = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/realtime/poll?channel=a"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertError(post, 405, "method_not_allowed");
        assertThat(post.headers().firstValue("Allow").orElse("")).contains("GET");
    }

    /** Several polls over one raw keep-alive socket: the server keeps the connection open between answers. */
    @Test
    void pollsReuseOneKeepAliveConnection() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                http.publish(channel, String.valueOf(i));
                String path = base.getPath().replaceAll("/$", "") + "/realtime/poll?timeout=0&since=earliest&channel=" + enc(channel);
                out.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = in.readLine();
                assertThat(status).isEqualTo("HTTP/1.1 200 ");
                int length = -1;
                String line;
                while (!(line = in.readLine()).isEmpty()) {
                    assertThat(line.toLowerCase()).doesNotContain("connection: close");
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                assertThat(Http.json(new String(body)).getJsonArray("messages")).hasSize(i + 1);
            }
        }
    }
}
