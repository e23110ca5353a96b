package dev.realtime.it.client;

import static dev.realtime.it.client.Recorder.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.StartPosition;
import dev.realtime.client.Transport;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.WebSocketGate;
import dev.realtime.it.support.Http;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Resume across transports, and across a restart of the web application. */
@ExtendWith(ArquillianExtension.class)
class ClientResumeIT {

    static final String RESTARTABLE = "client-restart";

    @Deployment(name = "client-resume", testable = false, order = 1)
    static WebArchive war() {
        return Deployments.war("client-resume", Map.of());
    }

    /** Deployed and undeployed by the restart test itself. */
    @Deployment(name = RESTARTABLE, testable = false, managed = false, order = 2)
    static WebArchive restartable() {
        return Deployments.war(RESTARTABLE, Map.of());
    }

    @ArquillianResource
    Deployer deployer;

    final List<RealtimeClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(RealtimeClient::close);
    }

    static URL app(String name) throws Exception {
        return URI.create("http://127.0.0.1:" + System.getProperty("it.http.port") + "/" + name + "/").toURL();
    }

    RealtimeClient client(URL app, Transport transport, Recorder rec) {
        RealtimeClient c = RealtimeClient.builder(URI.create(app + "realtime"))
                .transport(transport)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .pollTimeout(Duration.ofSeconds(5))
                .connectionListener(rec)
                .build();
        clients.add(c);
        return c;
    }

    static String publish(URL app, String channel, String json) {
        var r = new Http(app).publish(channel, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Http.json(r).getString("id");
    }

    @Test
    void aCursorFromOneTransportResumesOnEveryOther() throws Exception {
        URL app = app("client-resume");
        String channel = "resume:" + UUID.randomUUID();
        Transport[] chain = {Transport.WEBSOCKET, Transport.LONG_POLLING, Transport.SSE, Transport.WEBSOCKET};
        String cursor = null;
        for (int step = 0; step < chain.length; step++) {
            // published while no client is connected: only the cursor can bring these back
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                expected.add(publish(app, channel, "\"step " + step + " #" + i + "\""));
            }
            Recorder rec = new Recorder();
            RealtimeClient c = client(app, chain[step], rec);
            if (cursor == null) {
                // the first client starts from the beginning of the retained history
                c.subscribe(channel, StartPosition.earliest(), rec);
            } else {
                c.subscribe(channel, StartPosition.after(cursor), rec);
            }
            await(chain[step] + " replay", () -> rec.seen.size() >= 3);
            Thread.sleep(300);
            assertThat(rec.seen).as("over %s", chain[step]).containsExactlyElementsOf(expected);
            assertThat(c.transport()).isEqualTo(chain[step]);
            cursor = c.cursor();
            assertThat(cursor).isNotBlank();
            c.close();
        }
    }

    /** Issue 22 item 6: AUTO falls back while WebSocket is refused and climbs back once it is allowed. */
    @Test
    void autoReturnsToWebSocketOnceItWorksAgainWithoutLossOrDuplicate() throws Exception {
        URL app = app("client-resume");
        String channel = "upgrade:" + UUID.randomUUID();
        try (WebSocketGate gate = new WebSocketGate(app.getPort())) {
            Recorder rec = new Recorder();
            RealtimeClient c = client(new URL("http", "127.0.0.1", gate.port(), app.getPath()), Transport.AUTO, rec);
            c.subscribe(channel, rec).ready().get(20, TimeUnit.SECONDS);
            assertThat(c.transport()).isNotEqualTo(Transport.WEBSOCKET);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add(publish(app, channel, "\"before " + i + "\""));
            }
            gate.open();
            for (int i = 0; i < 20 && c.transport() != Transport.WEBSOCKET; i++) {
                expected.add(publish(app, channel, "\"during " + i + "\""));
                Thread.sleep(100);
            }
            await("AUTO back on WebSocket", () -> c.transport() == Transport.WEBSOCKET
                    && c.state() == dev.realtime.client.ConnectionState.OPEN);
            for (int i = 0; i < 5; i++) {
                expected.add(publish(app, channel, "\"after " + i + "\""));
            }
            await("every message", () -> rec.seen.size() >= expected.size());
            Thread.sleep(300);
            assertThat(rec.seen).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void survivesARestartOfTheApplicationAndReportsTheGap() throws Exception {
        deployer.deploy(RESTARTABLE);
        URL app = app(RESTARTABLE);
        String channel = "restart:" + UUID.randomUUID();
        Map<Transport, Recorder> recorders = new java.util.EnumMap<>(Transport.class);
        for (Transport t : List.of(Transport.WEBSOCKET, Transport.SSE, Transport.LONG_POLLING)) {
            Recorder rec = new Recorder();
            client(app, t, rec).subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
            recorders.put(t, rec);
        }
        List<String> before = List.of(publish(app, channel, "1"), publish(app, channel, "2"));
        for (Recorder rec : recorders.values()) {
            await("2 messages", () -> rec.seen.size() >= 2);
        }

        deployer.undeploy(RESTARTABLE);
        Thread.sleep(500); // clients find the application gone and keep retrying
        deployer.deploy(RESTARTABLE);
        try {
            // the new application has a new in-memory bus: the old cursors cannot be honoured
            for (Map.Entry<Transport, Recorder> e : recorders.entrySet()) {
                await(e.getKey() + " gap", () -> e.getValue().seen.contains("gap"));
            }
            String after = publish(app, channel, "3");
            for (Map.Entry<Transport, Recorder> e : recorders.entrySet()) {
                await(e.getKey() + " message after the restart", () -> e.getValue().seen.size() >= 4);
            }
            Thread.sleep(300);
            for (Map.Entry<Transport, Recorder> e : recorders.entrySet()) {
                assertThat(e.getValue().seen).as("over %s", e.getKey())
                        .containsExactly(before.get(0), before.get(1), "gap", after);
                assertThat(e.getValue().messages.get(2).data()).isEqualTo("3");
            }
        } finally {
            deployer.undeploy(RESTARTABLE);
        }
    }
}
