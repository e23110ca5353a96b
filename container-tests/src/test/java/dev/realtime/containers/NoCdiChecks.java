package dev.realtime.containers;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a container without CDI, next to the protocol checks in the same server start: {@code /nocdi}
 * ({@link TestApps#noCdiApp()}) carries realtime-cdi, which must do nothing there.
 */
abstract class NoCdiChecks extends ProtocolChecks {

    NoCdiChecks(Server server) {
        super(server);
    }

    @Override
    List<App> moreApps() {
        return List.of(TestApps.noCdiApp());
    }

    /**
     * realtime-cdi in a WAR on a container without CDI: the application starts and realtime serves.
     * Where the CDI API is not even on the class path (Tomcat), realtime-cdi loads none of its classes;
     * where the API is there without a CDI container (Jetty's ee10 modules bring it), it says it does nothing.
     */
    @Test
    void withoutCdiRealtimeCdiDoesNothingAndRealtimeRuns() throws Exception {
        Wire nocdi = new Wire(server().base(), "/nocdi");
        HttpResponse<String> probe = nocdi.send(HttpRequest.newBuilder(nocdi.app("/probe/cdi")));
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        assertThat(Wire.json(probe.body()).getBoolean("realtime")).isTrue();
        if (Wire.json(probe.body()).getBoolean("cdiVisible")) {
            assertThat(server().logCount("the CDI API is here but no CDI container runs /nocdi: realtime-cdi does nothing")).isEqualTo(1);
        }
        assertThat(server().logCount("realtime-cdi in /nocdi")).as("realtime-cdi's start-up line").isZero();
        String a = channel();
        try (Wire.Ws ws = nocdi.ws("?channel=" + a, null)) {
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo(a);
            assertThat(nocdi.publish(a, "{\"n\":1}", null).statusCode()).isEqualTo(202);
            assertThat(ws.next("message").getJsonObject("data").getInt("n")).isEqualTo(1);
        }
    }
}
