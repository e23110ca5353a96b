package dev.realtime.it.security;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
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
import java.util.concurrent.TimeUnit;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.ErrorAssert.handshakeRefusal;
import static org.assertj.core.api.Assertions.assertThat;

/** Every limit answers with the protocol's code and frees its slot again. */
@ExtendWith(ArquillianExtension.class)
class LimitsIT {

    @Deployment(name = "limits", testable = false)
    static WebArchive limits() {
        return Deployments.war("limits", Map.of(
                "realtime.connections.perAddress", "3",
                "realtime.publish.rate", "5",
                "realtime.query.maxLength", "512",
                "realtime.poll.maxTimeout", "1s",
                "realtime.poll.timeout", "500ms"));
    }

    @Deployment(name = "full", testable = false)
    static WebArchive full() {
        return Deployments.war("full", Map.of("realtime.connections.max", "2"));
    }

    @ArquillianResource
    @OperateOnDeployment("limits")
    URL base;

    URI ws(Http http, String query) {
        return http.ws(query);
    }

    @Test
    void connectionsPerAddressAreLimitedAndSlotsComeBack() throws Exception {
        Http http = new Http(base);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            open.add(new SseClient(http.uri("/realtime/sse?channel=a"), null));
            open.add(new SseClient(http.uri("/realtime/sse?channel=a"), null));
            WsClient third = new WsClient(ws(http, "?channel=a"));
            open.add(third);
            third.next("subscribed");
            assertError(http.get("/realtime/poll?channel=a&timeout=0"), 429, "rate_limited");
            assertError(handshakeRefusal(() -> new WsClient(ws(http, "?channel=a"))), 429, "rate_limited");
            third.close();
            open.remove(third);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int status;
            do {
                Thread.sleep(50);
                status = http.get("/realtime/poll?channel=a&timeout=0").statusCode();
            } while (status != 200 && System.nanoTime() < deadline);
            assertThat(status).as("a closed connection gives its slot back").isEqualTo(200);
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void serverWideConnectionCapAnswers503Overloaded(@ArquillianResource @OperateOnDeployment("full") URL full) throws Exception {
        Http http = new Http(full);
        try (SseClient one = new SseClient(http.uri("/realtime/sse?channel=a"), null);
             SseClient two = new SseClient(http.uri("/realtime/sse?channel=a"), null)) {
            assertThat(one.nextLine()).startsWith("retry:");
            assertThat(two.nextLine()).startsWith("retry:");
            assertError(http.get("/realtime/poll?channel=a&timeout=0"), 503, "overloaded");
        }
    }

    @Test
    void publishRateIsLimitedOverHttpAndWebSocket() throws Exception {
        Http http = new Http(base);
        int accepted = 0;
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            var r = http.publish("rate:http", String.valueOf(i));
            if (r.statusCode() == 202) {
                accepted++;
            } else {
                assertError(r, 429, "rate_limited");
                limited++;
            }
        }
        assertThat(accepted).isBetween(5, 7); // a burst of 5, plus what refilled meanwhile
        assertThat(limited).isPositive();

        try (WsClient c = new WsClient(ws(http, ""))) {
            for (int i = 0; i < 12; i++) {
                c.send("{\"type\":\"publish\",\"channel\":\"rate:ws\",\"data\":" + i + "}");
            }
            int acks = 0;
            int errors = 0;
            for (int i = 0; i < 12; i++) {
                var f = c.next();
                if (f.getString("type").equals("ack")) {
                    acks++;
                } else {
                    assertThat(f.getString("code")).isEqualTo("rate_limited");
                    errors++;
                }
            }
            assertThat(acks).isBetween(5, 7);
            assertThat(errors).isPositive();
        }
    }

    @Test
    void overLongQueriesAndTimeoutsAreBounded() {
        Http http = new Http(base);
        assertError(http.get("/realtime/poll?channel=a&pad=" + "x".repeat(600)), 413, "payload_too_large");
        long start = System.nanoTime();
        var r = http.get("/realtime/poll?channel=quiet&timeout=100000");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("capped at realtime.poll.maxTimeout").isLessThan(5000);
    }
}
