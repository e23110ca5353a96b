package dev.realtime.it.http;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.EmbeddedTomcat;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.apache.catalina.startup.Tomcat;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What HTTP clients see while the application stops (issue 13): a publish whose body is still
 * arriving is answered {@code 503 shutting_down} in the protocol's JSON as the library closes (not
 * left to race the container's stop, which sometimes dropped it without an answer), a held long-poll is
 * answered with a cursor to resume from, an SSE stream ends, a WebSocket closes with 1001; nothing
 * hangs, nothing answers 500.
 */
class ShutdownIT {
    @TempDir
    Path work;
    private Tomcat tomcat;

    @AfterEach
    void stop() {
        if (tomcat != null) {
            EmbeddedTomcat.stopQuietly(tomcat);
        }
    }

    @Test
    void clientsConnectedWhileTheApplicationStops() throws Exception {
        File war = work.resolve("app.war").toFile();
        Deployments.war("app", Map.of()).as(ZipExporter.class).exportTo(war, true);
        tomcat = EmbeddedTomcat.start("shutdown", work.resolve("node"), war);
        URL base = EmbeddedTomcat.base(tomcat);
        Http http = new Http(base);
        String channel = "shutdown:1";

        WsClient ws = new WsClient(http.ws("?channel=" + enc(channel)));
        ws.next("subscribed");
        SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null);
        assertThat(sse.nextLine()).startsWith("retry:");
        String cursor = Http.json(http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0")).getString("cursor");
        CompletableFuture<HttpResponse<String>> heldPoll = http.client.sendAsync(
                HttpRequest.newBuilder(http.uri("/realtime/poll?channel=" + enc(channel) + "&since=" + enc(cursor) + "&timeout=20000"))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        // a publish whose body is still on its way when the application stops
        String body = "{\"n\":1}";
        try (Socket publish = new Socket(base.getHost(), base.getPort())) {
            publish.setSoTimeout(15_000);
            OutputStream out = publish.getOutputStream();
            out.write(("POST /app/realtime/publish?channel=" + enc(channel) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body.substring(0, 3)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the request is in the library, reading its body

            Thread stopper = new Thread(() -> EmbeddedTomcat.stopQuietly(tomcat), "stopping-the-application");
            stopper.start();
            String answer = readResponse(publish.getInputStream());
            assertThat(answer).as("the publish in flight, answered without waiting for the rest of its body")
                    .startsWith("HTTP/1.1 503 ");
            assertThat(answer).contains("Connection: close");
            assertThat(answer).contains("application/json").contains("X-Content-Type-Options: nosniff");
            JsonObject error = Http.json(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(error.getString("error")).isEqualTo("shutting_down");
            assertThat(error.getString("message")).doesNotContain("Exception");

            assertThat(ws.closeCode.get(15, TimeUnit.SECONDS)).as("the WebSocket closes with 1001 going away").isEqualTo(1001);
            HttpResponse<String> poll = heldPoll.get(15, TimeUnit.SECONDS);
            assertThat(poll.statusCode()).as("the held long-poll is answered, not dropped").isEqualTo(200);
            JsonObject answered = Http.json(poll);
            assertThat(answered.getJsonArray("messages")).isEmpty();
            assertThat(answered.getString("cursor")).as("a cursor to resume from on another node").isNotBlank();

            String line;
            while (!(line = sse.nextLine()).equals(SseClient.END)) {
                assertThat(line).as("the SSE stream ends without an error event").doesNotContain("error");
            }
            stopper.join(30_000);
            assertThat(stopper.isAlive()).as("the application stopped").isFalse();
        } finally {
            ws.close();
            sse.close();
        }
    }

    /** The status line, headers and body of one response with a Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection ended before the response; got: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String h : head.toString().split("\r\n")) {
            if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
