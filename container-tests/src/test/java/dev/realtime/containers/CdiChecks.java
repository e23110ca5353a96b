package dev.realtime.containers;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a CDI server, next to the protocol checks in the same server start: {@code /cdi}
 * ({@link TestApps#cdiApp()}) injects realtime into a JAX-RS resource, an EJB and a servlet with no
 * producer of its own, observes every realtime event, and publishes inside transactions. Checked
 * over real WebSockets.
 */
abstract class CdiChecks extends ProtocolChecks {
    /** {@code /cdi}. */
    Wire cdi;

    CdiChecks(Server server) {
        super(server);
    }

    @Override
    List<App> moreApps() {
        return List.of(TestApps.cdiApp(), TestApps.cdiApp("/cdi2"));
    }

    Wire cdi() {
        if (cdi == null) {
            cdi = new Wire(server().base(), "/cdi");
        }
        return cdi;
    }

    JsonObject call(String pathAndQuery) throws Exception {
        HttpResponse<String> r = cdi().send(java.net.http.HttpRequest.newBuilder(cdi().app(pathAndQuery)));
        assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
        return Wire.json(r.body());
    }

    /** Where MicroProfile Health runs: {@code /health/ready} holds {@code realtime /cdi}, UP, naming the bus. */
    void assertReadinessUp() throws Exception {
        HttpResponse<String> r = wire.send(java.net.http.HttpRequest.newBuilder(server().base().resolve("/health/ready")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject check = Wire.json(r.body()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("realtime /cdi")).findFirst().orElseThrow(() -> new AssertionError(r.body()));
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.getJsonObject("data").getString("bus")).isEqualTo("memory");
    }

    static String field(JsonObject message, String name) {
        return message.getJsonObject("data").getString(name);
    }

    @Test
    void realtimeIsInjectedIntoAJaxRsResourceAnEjbAndAServlet() throws Exception {
        String a = channel();
        try (Wire.Ws ws = cdi().ws("?channel=" + a, null); Wire.Ws root = wire.ws("?channel=" + a, null)) {
            ws.next("subscribed");
            root.next("subscribed");
            JsonObject jaxrs = call("/rest/publish?channel=" + a);
            assertThat(field(ws.next("message"), "via")).isEqualTo("jaxrs");
            JsonObject servlet = call("/servlet/inject?channel=" + a);
            assertThat(servlet.getBoolean("ejbHeld")).as("the EJB's publish waits for its transaction").isTrue();
            JsonObject first = ws.next("message");
            assertThat(field(first, "via")).isEqualTo("servlet");
            assertThat(first.getString("id")).as("outside a transaction: published at once, with its id").isEqualTo(servlet.getString("servlet"));
            assertThat(field(ws.next("message"), "via")).isEqualTo("ejb");
            assertThat(Integer.parseInt(jaxrs.getString("id"))).isLessThan(Integer.parseInt(first.getString("id")));
            // each application its own engine: the sample at / saw none of it
            published(a, "{\"via\":\"root\"}");
            assertThat(field(root.next("message"), "via")).isEqualTo("root");
        }
    }

    @Test
    void twoApplicationsInOneServerEachGetTheirOwn() throws Exception {
        String a = channel();
        Wire cdi2 = new Wire(server().base(), "/cdi2");
        try (Wire.Ws one = cdi().ws("?channel=" + a, null); Wire.Ws two = cdi2.ws("?channel=" + a, null)) {
            one.next("subscribed");
            two.next("subscribed");
            HttpResponse<String> r = cdi2.send(java.net.http.HttpRequest.newBuilder(cdi2.app("/rest/publish?channel=" + a)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(field(two.next("message"), "via")).isEqualTo("jaxrs");
            call("/rest/publish?channel=" + a);
            JsonObject first = one.next("message");
            assertThat(first.getString("id")).as("/cdi's first message on the channel: /cdi2's went to /cdi2 only").isEqualTo("1");
        }
    }

    @Test
    void aPublishInATransactionIsDeliveredAfterTheCommitAndNotAfterARollback() throws Exception {
        String a = channel();
        try (Wire.Ws ws = cdi().ws("?channel=" + a, null)) {
            ws.next("subscribed");
            assertThat(call("/servlet/tx?outcome=commit&channel=" + a).getBoolean("held")).isTrue();
            assertThat(steps(ws, 3)).containsExactly("before-end", "in-tx", "after-end");
            assertThat(call("/servlet/tx?outcome=rollback&channel=" + a).getBoolean("held")).isTrue();
            assertThat(steps(ws, 2)).containsExactly("before-end", "after-end");
            call("/servlet/ejb-rollback?channel=" + a);
            assertThat(steps(ws, 1)).as("the EJB's transaction rolled back").containsExactly("after-end");
            published(a, "{\"step\":\"last\"}"); // nothing held arrives late in between
        }
    }

    private static List<String> steps(Wire.Ws ws, int n) throws InterruptedException {
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            steps.add(field(ws.next("message"), "step"));
        }
        return steps;
    }

    @Test
    void eachObservedEventFiresOnceWithItsData() throws Exception {
        String a = channel();
        String id;
        String ticket = call("/servlet/ticket?user=ann").getString("ticket");
        try (Wire.Ws ws = cdi().ws("?v=1.1&channel=" + a + "&ticket=" + Wire.enc(ticket), null)) {
            ws.next("authenticated"); // the ticket's resume token (protocol 1.1)
            ws.next("subscribed");
            assertThat(cdi().publish(a, "{\"n\":1}", null).statusCode()).isEqualTo(202);
            id = ws.next("message").getString("id");
            ws.send("{\"type\":\"join\",\"channel\":\"" + a + "\",\"member\":\"ann\"}");
            assertThat(ws.next("joined").getString("member")).isEqualTo("ann");
        } // closing while present: the member leaves
        String connection = null;
        List<String> mine = List.of();
        List<String> all = List.of();
        for (long until = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < until; Thread.sleep(100)) {
            List<String> lines = all = call("/servlet/events").getJsonArray("lines").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
            connection = lines.stream().filter(l -> l.startsWith("subscribed ") && l.endsWith(" " + a)).map(l -> l.split(" ")[1]).findFirst().orElse(null);
            String c = connection;
            mine = lines.stream().filter(l -> l.contains(" " + a + " ") || l.endsWith(" " + a) || (c != null && l.split(" ")[1].equals(c))).toList();
            if (mine.contains("closed " + connection) && mine.stream().anyMatch(l -> l.startsWith("async-published"))) {
                break;
            }
        }
        assertThat(connection).as("a subscribed event for " + a + " in " + all).isNotNull();
        assertThat(mine).containsExactlyInAnyOrder(
                "opened " + connection + " websocket ann",
                "subscribed " + connection + " " + a,
                "published " + a + " " + id + " http {\"n\":1}",
                "async-published " + a + " " + id + " http",
                "joined " + connection + " " + a + " ann",
                "left " + connection + " " + a + " ann",
                "unsubscribed " + connection + " " + a,
                "closed " + connection);
        List<String> sync = mine.stream().filter(l -> !l.startsWith("async-")).toList();
        assertThat(sync).as("in the order they happened").containsExactly(
                "opened " + connection + " websocket ann",
                "subscribed " + connection + " " + a,
                "published " + a + " " + id + " http {\"n\":1}",
                "joined " + connection + " " + a + " ann",
                "left " + connection + " " + a + " ann",
                "unsubscribed " + connection + " " + a,
                "closed " + connection);
    }
}
