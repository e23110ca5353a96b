package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Publish bodies that arrive slowly or never: they hold no request thread (embedded Tomcat runs 200,
 * as a standalone one does by default), they end within {@code realtime.publish.bodyTimeout}, and
 * whatever goes wrong with them is answered with the protocol's JSON, logged in one line at most.
 */
@ExtendWith(ArquillianExtension.class)
class PublishBodyIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("bodies", Map.of("realtime.publish.bodyTimeout", "3s", "realtime.publish.rate", "1000000"));
    }

    @ArquillianResource
    URL base;

    String publish(String channel) {
        return base.getPath().replaceAll("/$", "") + "/realtime/publish?channel=" + channel;
    }

    @Test
    void slowBodiesOnMoreSocketsThanTheContainerHasThreadsDoNotStopPolls() throws Exception {
        Http http = new Http(base);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 220; i++) { // more than Tomcat's 200 request threads
                Socket s = RawHttp.open(base);
                s.getOutputStream().write(("POST " + publish("slow") + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n1\r\n[\r\n").getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // a poll and a publish from a well-behaved client are answered while every slow body is open
            CompletableFuture<HttpResponse<String>> poll = CompletableFuture.supplyAsync(() -> http.get("/realtime/poll?channel=calm&timeout=0"));
            assertThat(poll.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> pub = CompletableFuture.supplyAsync(() -> http.publish("calm", "{\"ok\":1}"));
            assertThat(pub.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);

            // and the slow bodies themselves end with 408 request_timeout after realtime.publish.bodyTimeout
            RawHttp.Response r = RawHttp.read(slow.get(0).getInputStream());
            assertThat(r.status()).as(r.toString()).isEqualTo(408);
            assertThat(json(r).getString("error")).isEqualTo("request_timeout");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void bodiesThatFailToArriveAreAnsweredWithTheProtocolsJsonAndNoStackTrace() throws Exception {
        try (LogWatch log = LogWatch.attach()) {
            // a Content-Length larger than what is sent, then the end of the stream
            try (Socket s = RawHttp.open(base)) {
                s.getOutputStream().write(("POST " + publish("short") + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                assertThat(r.status()).as(r.toString()).isEqualTo(400);
                assertThat(json(r).getString("error")).isEqualTo("invalid_json");
            }
            // a Content-Length larger than what is sent, then silence
            try (Socket s = RawHttp.open(base)) {
                s.getOutputStream().write(("POST " + publish("silent") + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"a\":").getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.Response r = RawHttp.read(s.getInputStream());
                assertThat(r.status()).as(r.toString()).isEqualTo(408);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(json(r).getString("error")).isEqualTo("request_timeout");
            }
            // a bad chunk size
            RawHttp.Response r = RawHttp.exchange(base, "POST " + publish("chunks") + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.header("Content-Type")).as(r.toString()).startsWith("application/json");
            assertThat(json(r).getString("error")).isEqualTo("invalid_json");
            // a body that never ends is the silent case above: bounded by realtime.publish.bodyTimeout

            Thread.sleep(500); // the container's own logging of the failed reads, if any, comes after the answers
            assertThat(log.alarming).as(LogWatch.describe(log.alarming)).isEmpty();
            assertThat(log.all.stream().filter(rec -> rec.getThrown() != null).toList())
                    .as("no stack trace logged for a client's broken body: " + LogWatch.describe(log.all)).isEmpty();
        }
    }

    static JsonObject json(RawHttp.Response r) {
        return Http.json(r.text());
    }
}
