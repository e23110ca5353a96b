package dev.realtime.containers;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PayaraMicro6IT extends CdiChecks {
    PayaraMicro6IT() {
        super(Servers.payaraMicro("payara6"));
    }

    @Override
    List<App> moreApps() {
        List<App> apps = new ArrayList<>(super.moreApps());
        apps.add(new App("/ee", TestApps.SAMPLE_EE));
        return apps;
    }

    /** Payara has MicroProfile Health: each application with realtime-cdi shows up in readiness. */
    @Test
    void realtimeIsPartOfMicroProfileReadiness() throws Exception {
        assertReadinessUp();
    }

    /** The EE sample, unchanged: a committed task is sent, a rolled-back one never; subscriptions to the board are counted. */
    @Test
    void theEeSampleSendsOnlyCommittedTasksAndCountsConnections() throws Exception {
        Wire ee = new Wire(server().base(), "/ee");
        try (Wire.Ws ws = ee.ws("?channel=stats:watching&channel=tasks", null)) {
            ws.next("subscribed");
            ws.next("subscribed");
            JsonObject watching = ws.next("message");
            assertThat(watching.getString("channel")).isEqualTo("stats:watching");
            assertThat(watching.getJsonObject("data").getInt("watching")).as("counting this connection").isEqualTo(1);
            assertThat(post(ee, "/api/tasks?title=rolled&fail=true").statusCode()).isEqualTo(409);
            assertThat(post(ee, "/api/tasks?title=kept").statusCode()).isEqualTo(202);
            JsonObject task = ws.next("message");
            assertThat(task.getString("channel")).isEqualTo("tasks");
            assertThat(task.getJsonObject("data").getString("title")).as("the rolled-back task never came").isEqualTo("kept");
        }
    }

    private static HttpResponse<String> post(Wire w, String pathAndQuery) throws Exception {
        return w.send(HttpRequest.newBuilder(w.app(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
    }
}
