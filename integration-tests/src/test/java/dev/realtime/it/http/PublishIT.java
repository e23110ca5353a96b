package dev.realtime.it.http;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.UnavailableBusProvider;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static dev.realtime.it.support.ErrorAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ArquillianExtension.class)
class PublishIT {

    @Deployment(name = "main", testable = false)
    static WebArchive war() {
        return Deployments.war("publish", Map.of("realtime.message.maxSize", "65536",
                "realtime.allowedOrigins", "https://app.example"));
    }

    @Deployment(name = "down", testable = false)
    static WebArchive down() {
        return Deployments.war("down", Map.of("realtime.bus", UnavailableBusProvider.class.getName()))
                .addClass(UnavailableBusProvider.class);
    }

    @ArquillianResource
    @OperateOnDeployment("main")
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        channel = "pub:" + UUID.randomUUID();
    }

    HttpRequest.Builder post(String query, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(http.uri("/realtime/publish" + query)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return b;
    }

    @Test
    void acceptedWith202AndTheMessageId() {
        HttpResponse<String> r = http.send(post("?channel=" + enc(channel), "application/json; charset=utf-8", "{\"a\":[1,2,{\"b\":null}]}").build());
        assertThat(r.statusCode()).isEqualTo(202);
        JsonObject body = Http.json(r);
        assertThat(body.getString("channel")).isEqualTo(channel);
        assertThat(body.getString("id")).isEqualTo("1");
        JsonObject m = Http.json(http.get("/realtime/poll?timeout=0&since=earliest&channel=" + enc(channel))).getJsonArray("messages").getJsonObject(0);
        assertThat(m.getJsonObject("data").toString()).isEqualTo("{\"a\":[1,2,{\"b\":null}]}");
        assertThat(http.send(post("?channel=" + enc(channel), "application/vnd.thing+json", "null").build()).statusCode()).isEqualTo(202);
        assertThat(http.send(post("?channel=" + enc(channel), "application/json", "\"text\"").build()).statusCode()).isEqualTo(202);
    }

    @Test
    void idempotencyKeyPublishesOnceAndAnswersTheFirstResult() {
        HttpResponse<String> first = http.send(post("?channel=" + enc(channel), "application/json", "1").header("Idempotency-Key", "k-1").build());
        HttpResponse<String> again = http.send(post("?channel=" + enc(channel), "application/json", "1").header("Idempotency-Key", "k-1").build());
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(Http.json(http.get("/realtime/poll?timeout=0&since=earliest&channel=" + enc(channel))).getJsonArray("messages")).hasSize(1);
        HttpResponse<String> other = http.send(post("?channel=" + enc(channel + "x"), "application/json", "1").header("Idempotency-Key", "k-1").build());
        assertThat(Http.json(other).getString("id")).as("keys are scoped to the channel").isEqualTo("1");
        assertError(http.send(post("?channel=" + enc(channel), "application/json", "1").header("Idempotency-Key", "no spaces").build()),
                400, "invalid_idempotency_key");
    }

    @Test
    void everyRefusalHasItsCode() {
        assertError(http.send(post("", "application/json", "1").build()), 400, "missing_channel");
        assertError(http.send(post("?channel=a&channel=b", "application/json", "1").build()), 400, "too_many_channels");
        assertError(http.send(post("?channel=" + enc("a b"), "application/json", "1").build()), 400, "invalid_channel");
        assertError(http.send(post("?channel=a&event=heartbeat", "application/json", "1").build()), 400, "invalid_event");
        assertError(http.send(post("?channel=a&event=" + enc("bad event"), "application/json", "1").build()), 400, "invalid_event");
        assertError(http.send(post("?channel=a", "application/json", "{\"unclosed\":").build()), 400, "invalid_json");
        assertError(http.send(post("?channel=a", "application/json", "1 2").build()), 400, "invalid_json");
        assertError(http.send(post("?channel=a", "application/json", "[".repeat(10_000)).build()), 400, "invalid_json");
        assertError(http.send(post("?channel=a", "text/plain", "1").build()), 415, "unsupported_media_type");
        assertError(http.send(post("?channel=a", null, "1").build()), 415, "unsupported_media_type");
        assertError(http.send(post("?channel=a", "application/json", "\"" + "x".repeat(70_000) + "\"").build()), 413, "payload_too_large");
        assertThat(http.send(post("?channel=a", "application/json", "\"" + "x".repeat(65_534) + "\"").build()).statusCode())
                .as("exactly 65,536 bytes are allowed").isEqualTo(202);
        byte[] invalidUtf8 = {'"', (byte) 0xC3, (byte) 0x28, '"'};
        assertError(http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=a")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(invalidUtf8)).build()), 400, "invalid_json");
        HttpResponse<String> get = http.get("/realtime/publish?channel=a");
        assertError(get, 405, "method_not_allowed");
        assertThat(get.headers().firstValue("Allow").orElse("")).contains("POST");
        assertError(http.send(HttpRequest.newBuilder(http.uri("/realtime/sse?channel=a")).DELETE().build()), 405, "method_not_allowed");
    }

    @Test
    void originsOutsideTheListAreForbiddenAndListedOnesGetCors() {
        assertError(http.send(post("?channel=a", "application/json", "1").header("Origin", "https://evil.example").build()), 403, "forbidden");
        HttpResponse<String> allowed = http.send(post("?channel=a", "application/json", "1").header("Origin", "https://app.example").build());
        assertThat(allowed.statusCode()).isEqualTo(202);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        HttpResponse<String> sameOrigin = http.send(post("?channel=a", "application/json", "1")
                .header("Origin", "http://" + base.getHost() + ":" + base.getPort()).build());
        assertThat(sameOrigin.statusCode()).isEqualTo(202);

        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=a"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST").build());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        HttpResponse<String> poll = http.send(HttpRequest.newBuilder(http.uri("/realtime/poll?timeout=0&channel=a")).header("Origin", "https://evil.example").build());
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.headers().firstValue("Access-Control-Allow-Origin")).as("reads from other origins get no CORS headers").isEmpty();
    }

    @Test
    void unavailableBusAnswers503AndKeepsServingReads(@ArquillianResource @OperateOnDeployment("down") URL down) {
        Http h = new Http(down);
        assertError(h.publish("a", "1"), 503, "bus_unavailable");
        assertThat(h.get("/realtime/poll?timeout=0&channel=a").statusCode()).isEqualTo(200);
    }

    @Test
    void javascriptClientIsServed() {
        HttpResponse<String> js = http.get("/realtime/realtime.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("export");
        assertThat(http.get("/realtime/realtime.d.ts").statusCode()).isEqualTo(200);
    }
}
