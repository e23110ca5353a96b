package dev.realtime.it.client;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Transport;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.FaultProxy;
import dev.realtime.it.support.Http;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java client's reconnect path after a network fault between it and the server (issue 13), on
 * each transport: its connection goes through a {@link FaultProxy} that resets it or leaves it
 * half-open (silent for good) while messages are published straight to the server. The client
 * notices (a reset at once, a silence after its read timeout), resumes from its cursor, and
 * delivers every message once, in order, without a gap.
 */
@ExtendWith(ArquillianExtension.class)
class ClientFaultIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    @Deployment(name = "client-faults", testable = false)
    static WebArchive war() {
        // heartbeats well inside the client's read timeout, so only a dead connection is silent for that long
        return Deployments.war("client-faults", Map.of("realtime.heartbeat.interval", "500", "realtime.ws.pingInterval", "500"));
    }

    enum Fault { RESET, HALF_OPEN }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "SSE", "LONG_POLLING"})
    void resetWhileMessagesFlow(Transport transport) throws Exception {
        run(transport, Fault.RESET);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"WEBSOCKET", "SSE", "LONG_POLLING"})
    void halfOpenWhileMessagesFlow(Transport transport) throws Exception {
        run(transport, Fault.HALF_OPEN);
    }

    private void run(Transport transport, Fault fault) throws Exception {
        URL app = URI.create("http://127.0.0.1:" + System.getProperty("it.http.port") + "/client-faults/").toURL();
        String channel = "client-faults:" + UUID.randomUUID();
        try (FaultProxy proxy = FaultProxy.start("client", "127.0.0.1", app.getPort());
             RealtimeClient client = RealtimeClient.builder(URI.create("http://127.0.0.1:" + proxy.port() + "/client-faults/realtime"))
                     .transport(transport)
                     .readTimeout(READ_TIMEOUT)
                     .pollTimeout(Duration.ofSeconds(2))
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                     .build()) {
            Recorder rec = new Recorder();
            client.subscribe(channel, rec).ready().get();
            Http server = new Http(app);
            List<String> published = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 60; i++) {
                if (i == 20) {
                    await("the first messages", () -> rec.seen.size() >= 10);
                    if (fault == Fault.RESET) {
                        proxy.reset();
                    } else {
                        proxy.halfOpen();
                    }
                }
                var r = server.publish(channel, Integer.toString(i));
                assertThat(r.statusCode()).isEqualTo(202);
                published.add(Http.json(r).getString("id"));
                Thread.sleep(20);
            }
            await(transport + " after " + fault + ": every message", () -> rec.seen.size() >= published.size());
            Thread.sleep(300);
            assertThat(rec.seen).as("%s after %s: every message once, in order, no gap", transport, fault)
                    .containsExactlyElementsOf(published);
            assertThat(proxy.acceptedConnections()).as("the client connected again").isGreaterThan(1);
        }
    }
}
