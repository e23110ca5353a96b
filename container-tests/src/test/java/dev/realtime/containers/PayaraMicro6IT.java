package dev.realtime.containers;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class PayaraMicro6IT extends CdiChecks {
    PayaraMicro6IT() {
        super(Servers.payaraMicro("payara6"));
    }

    /** Payara has MicroProfile Health: each application with realtime-cdi shows up in readiness. */
    @Test
    void realtimeIsPartOfMicroProfileReadiness() throws Exception {
        HttpResponse<String> r = wire.send(HttpRequest.newBuilder(server().base().resolve("/health/ready")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject check = Wire.json(r.body()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("realtime /cdi")).findFirst().orElseThrow(() -> new AssertionError(r.body()));
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.getJsonObject("data").getString("bus")).isEqualTo("memory");
    }
}
