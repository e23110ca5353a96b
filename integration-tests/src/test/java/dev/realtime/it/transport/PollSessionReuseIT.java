package dev.realtime.it.transport;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long-poll that comes back with the cursor of its last answer takes over the session that answer
 * came from, kept subscribed meanwhile (issue 14). The history here holds two messages, so what a poll
 * receives tells which path it took: the kept session has every message published between the polls;
 * the full path (a retried poll, or one after the linger time) reads history and reports a gap.
 */
@ExtendWith(ArquillianExtension.class)
class PollSessionReuseIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("pollreuse", java.util.Map.of("realtime.history.size", "2", "realtime.poll.linger", "1s"));
    }

    @ArquillianResource
    URL base;
    Http http;
    String channel;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        channel = "reuse:" + UUID.randomUUID();
    }

    JsonObject poll(String since) {
        HttpResponse<String> r = http.get("/realtime/poll?channel=" + enc(channel) + "&timeout=0"
                + (since == null ? "" : "&since=" + enc(since)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    static List<Integer> data(JsonObject page) {
        List<Integer> out = new ArrayList<>();
        for (JsonValue m : page.getJsonArray("messages")) {
            out.add(m.asJsonObject().getInt("data"));
        }
        return out;
    }

    static List<String> gaps(JsonObject page) {
        return page.getJsonArray("gaps").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    void publish(int from, int to) {
        for (int i = from; i <= to; i++) {
            assertThat(http.publish(channel, Integer.toString(i)).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void thePollAfterAnAnswerGetsEverythingPublishedMeanwhileEvenBeyondHistory() {
        String start = poll(null).getString("cursor");
        String kept = poll(start).getString("cursor"); // a poll with a cursor: its session is kept after the answer
        publish(1, 5);
        JsonObject next = poll(kept);
        assertThat(gaps(next)).isEmpty();
        assertThat(data(next)).as("all five, though history holds two").containsExactly(1, 2, 3, 4, 5);

        // the same poll retried (its answer lost): the full path, from history, with the gap it has
        JsonObject retried = poll(kept);
        assertThat(gaps(retried)).containsExactly(channel);
        assertThat(data(retried)).containsExactly(4, 5);
        assertThat(retried.getString("cursor")).isEqualTo(next.getString("cursor"));
    }

    @Test
    void aClientThatComesBackAfterTheLingerTimeTakesTheFullPath() throws Exception {
        String start = poll(null).getString("cursor");
        String kept = poll(start).getString("cursor");
        Thread.sleep(2500); // linger 1 s, swept once a second
        publish(1, 5);
        JsonObject late = poll(kept);
        assertThat(gaps(late)).containsExactly(channel);
        assertThat(data(late)).containsExactly(4, 5);
    }
}
