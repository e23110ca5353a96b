package dev.realtime.containers;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Tomcat11IT extends ProtocolChecks {
    Tomcat11IT() {
        super(Servers.tomcat("tomcat11", "apache-tomcat-11.0.24"));
    }

    @Override
    List<App> moreApps() {
        return List.of(TestApps.noCdiApp());
    }

    /** realtime-cdi in a WAR on a container without CDI: the application starts, realtime serves, no CDI class anywhere. */
    @Test
    void withoutCdiRealtimeCdiDoesNothingAndRealtimeRuns() throws Exception {
        Wire nocdi = new Wire(server().base(), "/nocdi");
        HttpResponse<String> probe = nocdi.send(HttpRequest.newBuilder(nocdi.app("/probe/cdi")));
        assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
        assertThat(Wire.json(probe.body()).getBoolean("cdiVisible")).as("the CDI API on the class path").isFalse();
        assertThat(Wire.json(probe.body()).getBoolean("realtime")).isTrue();
        String a = channel();
        try (Wire.Ws ws = nocdi.ws("?channel=" + a, null)) {
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo(a);
            assertThat(nocdi.publish(a, "{\"n\":1}", null).statusCode()).isEqualTo(202);
            assertThat(ws.next("message").getJsonObject("data").getInt("n")).isEqualTo(1);
        }
    }
}
