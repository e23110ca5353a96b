package dev.realtime.it.nomicrometer;

import dev.realtime.it.abuse.LogWatch;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer is optional: with none anywhere on the class path (this class runs in its own failsafe
 * execution that removes it), realtime starts, serves every transport, counts into its MBeans and
 * answers health, with no Micrometer class ever needed. A type of Micrometer reachable from any
 * class loaded here would fail with NoClassDefFoundError, in the log or in the answers.
 */
@ExtendWith(ArquillianExtension.class)
class NoMicrometerIT {

    @Deployment(name = "plain", managed = false, testable = false)
    static WebArchive war() {
        return Deployments.war("no-micrometer", Map.of());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void realtimeRunsAndCountsWithoutMicrometer() throws Exception {
        // -Dit.test=NoMicrometerIT also runs it in the other executions, which have Micrometer
        Assumptions.assumeTrue(Boolean.getBoolean("realtime.it.noMicrometer"), "runs in the no-micrometer failsafe execution");
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .as("this execution must not have Micrometer on the class path").isInstanceOf(ClassNotFoundException.class);
        try (LogWatch log = LogWatch.attach()) {
            deployer.deploy("plain");
            try {
                Http http = new Http(new URL("http://localhost:" + System.getProperty("it.http.port") + "/no-micrometer/"));
                String channel = "plain:room";
                try (WsClient ws = new WsClient(http.ws("?channel=" + enc(channel)));
                     SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
                    ws.next("subscribed");
                    assertThat(http.publish(channel, "{\"n\":1}").statusCode()).isEqualTo(202);
                    assertThat(ws.next("message").getJsonObject("data").getInt("n")).isEqualTo(1);
                    JsonObject polled = Http.json(http.get("/realtime/poll?timeout=0&since=earliest&channel=" + enc(channel)));
                    assertThat(polled.getJsonArray("messages")).hasSize(1);
                    JsonObject health = Http.json(http.get("/realtime/health"));
                    assertThat(health.getString("status")).isEqualTo("UP");
                    assertThat(health.getJsonObject("connections").getInt("websocket")).isEqualTo(1);
                    ObjectName ws1 = new ObjectName("dev.realtime:context=/no-micrometer,type=Transport,name=websocket");
                    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(ws1, "MessagesDelivered")).isEqualTo(1L);
                }
            } finally {
                deployer.undeploy("plain");
            }
            List<LogRecord> started = log.all.stream().filter(r -> String.valueOf(r.getMessage()).startsWith("realtime started in /no-micrometer"))
                    .toList();
            assertThat(started).hasSize(1);
            assertThat(started.get(0).getMessage()).contains("no Micrometer on the class path");
            assertThat(log.alarming).as(LogWatch.describe(log.alarming)).isEmpty();
            assertThat(log.all.stream().map(r -> r.getMessage() + " " + r.getThrown()))
                    .noneMatch(m -> m.contains("NoClassDefFoundError") || m.contains("io.micrometer"));
        }
    }
}
