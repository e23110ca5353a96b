package dev.realtime.containers;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Tomcat has no CDI API at all: realtime-cdi there loads no CDI class (it could not). */
class Tomcat11IT extends NoCdiChecks {
    Tomcat11IT() {
        super(Servers.tomcat("tomcat11", "apache-tomcat-11.0.24"));
    }

    @Test
    void theCdiApiIsNotOnTheClassPath() throws Exception {
        Wire nocdi = new Wire(server().base(), "/nocdi");
        HttpResponse<String> probe = nocdi.send(HttpRequest.newBuilder(nocdi.app("/probe/cdi")));
        assertThat(Wire.json(probe.body()).getBoolean("cdiVisible")).isFalse();
    }
}
