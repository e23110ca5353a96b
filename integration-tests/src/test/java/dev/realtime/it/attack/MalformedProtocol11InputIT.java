package dev.realtime.it.attack;

import dev.realtime.it.abuse.LogWatch;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.TicketAuthorizer;
import dev.realtime.it.support.TicketPeer;
import dev.realtime.it.support.TicketServlet;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed protocol 1.1 input over real connections: frames and parameters of presence, ephemeral
 * messages, patterns and tickets. Each gets the protocol's JSON error with its code (never a 500,
 * never a logged stack trace); the WebSocket that sent them stays open and answers a ping; a
 * bystander's subscription on the same node keeps receiving throughout.
 */
@ExtendWith(ArquillianExtension.class)
class MalformedProtocol11InputIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("malformed11", Map.of(
                        "realtime.authorizer", TicketAuthorizer.class.getName(),
                        "realtime.presence.maxInfoSize", "256"))
                .addClasses(TicketServlet.class, TicketAuthorizer.class);
    }

    @ArquillianResource
    URL base;

    static String q(String s) {
        return "\"" + s + "\"";
    }

    @Test
    void everyMalformedFrameOrParameterGetsItsProtocolErrorAndNobodyIsDisconnected() throws Exception {
        Http http = new Http(base);
        TicketPeer peer = new TicketPeer(http);
        String room = "room:" + UUID.randomUUID();
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        String[][] frames = {
                // presence
                {"{\"type\":\"join\"}", "invalid_frame"},
                {"{\"type\":\"join\",\"channel\":7}", "invalid_frame"},
                {"{\"type\":\"join\",\"channel\":\"room:*\",\"member\":\"m\"}", "invalid_channel"},
                {"{\"type\":\"join\",\"channel\":\"a b\",\"member\":\"m\"}", "invalid_channel"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + "}", "invalid_member"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":\"\"}", "invalid_member"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":\"a\\u0001b\"}", "invalid_member"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":" + q("m".repeat(129)) + "}", "invalid_member"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":42}", "invalid_frame"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":\"m\",\"info\":" + q("x".repeat(300)) + "}", "payload_too_large"},
                {"{\"type\":\"join\",\"channel\":" + q(room) + ",\"member\":\"m\",\"info\":" + deep + "}", "invalid_json"},
                {"{\"type\":\"leave\"}", "invalid_frame"},
                {"{\"type\":\"leave\",\"channel\":\"room:**\"}", "invalid_channel"},
                {"{\"type\":\"members\",\"channel\":\"room:*\"}", "invalid_channel"},
                {"{\"type\":\"members\",\"channel\":[]}", "invalid_frame"},
                {"{\"type\":\"members\",\"channel\":\"members:x\"}", "forbidden"},
                {"{\"type\":\"join\",\"channel\":\"vip:x\",\"member\":\"m\"}", "forbidden"},
                {"{\"type\":\"subscribe\",\"channel\":" + q(room) + ",\"presence\":\"yes\"}", "invalid_frame"},
                // patterns
                {"{\"type\":\"subscribe\",\"channel\":\"*\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\"**\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\":*\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\"room*\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\"room:*:x\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\"room:***\"}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":" + q("r".repeat(127) + ":*") + "}", "invalid_channel"},
                {"{\"type\":\"subscribe\",\"channel\":\"vip:*\"}", "forbidden"},
                {"{\"type\":\"subscribe\",\"channel\":\"private:*\"}", "forbidden"},
                {"{\"type\":\"subscribe\",\"channel\":\"other:*\",\"presence\":true}", "invalid_channel"}, // refused whole: not subscribed
                // ephemeral
                {"{\"type\":\"publish\",\"channel\":" + q(room) + ",\"data\":1,\"ephemeral\":\"yes\"}", "invalid_frame"},
                {"{\"type\":\"publish\",\"channel\":" + q(room) + ",\"data\":1,\"ephemeral\":1}", "invalid_frame"},
                {"{\"type\":\"publish\",\"channel\":\"room:*\",\"data\":1,\"ephemeral\":true}", "invalid_channel"},
                {"{\"type\":\"publish\",\"channel\":" + q(room) + ",\"ephemeral\":true}", "invalid_frame"},
                {"{\"type\":\"publish\",\"channel\":" + q(room) + ",\"data\":" + q("x".repeat(70_000)) + ",\"ephemeral\":true}", "payload_too_large"},
                {"{\"type\":\"publish\",\"channel\":" + q(room) + ",\"event\":\"gap\",\"data\":1,\"ephemeral\":true}", "invalid_event"},
                {"{\"type\":\"publish\",\"channel\":\"members:x\",\"data\":1,\"ephemeral\":true}", "forbidden"},
                // tickets
                {"{\"type\":\"auth\"}", "invalid_frame"},
                {"{\"type\":\"auth\",\"ticket\":17}", "invalid_frame"},
                {"{\"type\":\"auth\",\"ticket\":\"\"}", "invalid_ticket"},
                {"{\"type\":\"auth\",\"ticket\":\"not-a-ticket\"}", "invalid_ticket"},
                {"{\"type\":\"auth\",\"ticket\":" + q("A".repeat(60_000)) + "}", "invalid_ticket"},
                {"{\"type\":\"auth\",\"ticket\":" + q(tampered(peer.ticket("user=ann"))) + "}", "invalid_ticket"},
        };
        try (LogWatch log = LogWatch.attach();
             WsClient bystander = new WsClient(http.ws("?v=1.1&channel=" + enc(room)));
             WsClient attacker = new WsClient(http.ws("?v=1.1"))) {
            bystander.next("subscribed");
            SoftAssertions soft = new SoftAssertions();
            int n = 0;
            for (String[] f : frames) {
                String label = "frame " + f[0].substring(0, Math.min(90, f[0].length()));
                attacker.send(f[0]);
                JsonObject answer = attacker.next();
                soft.assertThat(answer.getString("type")).as(label + ": " + answer).isEqualTo("error");
                soft.assertThat(answer.getString("code", null)).as(label + ": " + answer).isEqualTo(f[1]);
                if (++n % 10 == 0) { // the bystander is served in between
                    assertThat(http.publish(room, "{\"n\":" + n + "}").statusCode()).isEqualTo(202);
                    soft.assertThat(nextCounted(bystander)).as("the bystander, after " + label).isEqualTo(n);
                }
            }
            // the pattern of the refused subscribe+presence frame was not subscribed: a message on a channel it matches does not come
            assertThat(http.publish("other:x", "{\"n\":-2}").statusCode()).isEqualTo(202);
            attacker.send("{\"type\":\"ping\"}");
            soft.assertThat(attacker.next().getString("type")).as("nothing of other:* before the pong").isEqualTo("pong");
            String ticket = peer.ticket("user=ann");
            attacker.send("{\"type\":\"auth\",\"ticket\":" + q(ticket) + "}");
            soft.assertThat(attacker.next().getString("type")).as("a good ticket after all that").isEqualTo("authenticated");
            attacker.send("{\"type\":\"auth\",\"ticket\":" + q(ticket) + "}");
            soft.assertThat(attacker.next().getString("code", null)).as("the same ticket again").isEqualTo("ticket_used");
            attacker.send("{\"type\":\"ping\"}");
            soft.assertThat(attacker.next().getString("type")).as("still open").isEqualTo("pong");

            // 1.1 frames on a 1.0 connection
            try (WsClient old = new WsClient(http.ws(""))) {
                for (String f : new String[]{"{\"type\":\"join\",\"channel\":\"a\",\"member\":\"m\"}", "{\"type\":\"leave\",\"channel\":\"a\"}",
                        "{\"type\":\"members\",\"channel\":\"a\"}", "{\"type\":\"subscribe\",\"channel\":\"a\",\"presence\":true}",
                        "{\"type\":\"publish\",\"channel\":\"a\",\"data\":1,\"ephemeral\":true}"}) {
                    old.send(f);
                    soft.assertThat(old.next().getString("code", null)).as("1.0: " + f).isEqualTo("invalid_version");
                }
            }

            String[][] queries = {
                    {"/realtime/poll?v=2&channel=a", "400", "invalid_version"},
                    {"/realtime/poll?v=&channel=a", "400", "invalid_version"},
                    {"/realtime/poll?join=a", "400", "invalid_version"},
                    {"/realtime/poll?channel=a:*", "400", "invalid_channel"},
                    {"/realtime/poll?v=1.1&join=a:*&member=m", "400", "invalid_channel"},
                    {"/realtime/poll?v=1.1&presence=a:*", "400", "invalid_channel"},
                    {"/realtime/poll?v=1.1&join=a", "400", "invalid_member"},
                    {"/realtime/poll?v=1.1&join=a&member=", "400", "invalid_member"},
                    {"/realtime/poll?v=1.1&join=a&member=%01", "400", "invalid_member"},
                    {"/realtime/poll?v=1.1&join=a&member=m&info=%7Bnope", "400", "invalid_json"},
                    {"/realtime/poll?v=1.1&join=a&member=m&info=" + enc(q("x".repeat(300))), "413", "payload_too_large"},
                    {"/realtime/poll?v=1.1&join=a&member=m&info=" + "%5B".repeat(600) + "%5D".repeat(600), "400", "invalid_json"},
                    {"/realtime/poll?v=1.1&channel=a:*:b", "400", "invalid_channel"},
                    {"/realtime/poll?v=1.1&channel=vip:*", "403", "forbidden"},
                    {"/realtime/poll?v=1.1&channel=a&ticket=garbage", "401", "invalid_ticket"},
                    {"/realtime/sse?v=1.1&join=a", "400", "invalid_member"},
                    {"/realtime/sse?v=1.1&channel=*", "400", "invalid_channel"},
                    {"/realtime/presence", "400", "missing_channel"},
                    {"/realtime/presence?channel=a:*", "400", "invalid_channel"},
                    {"/realtime/presence?channel=a&channel=b", "400", "too_many_channels"},
                    {"/realtime/presence?channel=members:x", "403", "forbidden"},
            };
            for (String[] q : queries) {
                HttpResponse<String> r = http.get(q[0]);
                soft.assertThat(r.statusCode()).as(q[0] + ": " + r.body()).isEqualTo(Integer.parseInt(q[1]));
                soft.assertThat(r.headers().firstValue("Content-Type").orElse("")).as(q[0]).startsWith("application/json");
                soft.assertThat(r.body()).as(q[0]).contains("\"error\":\"" + q[2] + "\"");
            }
            String[][] publishes = {
                    {"channel=a&ephemeral=yes", "{}", "400", "invalid_frame"},
                    {"channel=a&ephemeral=", "{}", "400", "invalid_frame"},
                    {"channel=a:*&ephemeral=true", "{}", "400", "invalid_channel"},
                    {"channel=a&ephemeral=true", "{nope", "400", "invalid_json"},
                    {"channel=a&ephemeral=true&event=open", "{}", "400", "invalid_event"},
                    {"channel=a&ephemeral=true", q("x".repeat(70_000)), "413", "payload_too_large"},
                    {"channel=members:x&ephemeral=true", "{}", "403", "forbidden"},
            };
            for (String[] p : publishes) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?" + p[0]))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(p[1])).build());
                soft.assertThat(r.statusCode()).as(p[0] + ": " + r.body()).isEqualTo(Integer.parseInt(p[2]));
                soft.assertThat(r.body()).as(p[0]).contains("\"error\":\"" + p[3] + "\"");
            }
            assertThat(http.publish(room, "{\"n\":-1}").statusCode()).isEqualTo(202);
            soft.assertThat(nextCounted(bystander)).as("the bystander, at the end").isEqualTo(-1);
            soft.assertThat(log.alarming).as("warnings or stack traces logged: " + LogWatch.describe(log.alarming)).isEmpty();
            soft.assertAll();
        }
    }

    /** The next of the test's own messages ({"n":..}); anything else the bystander receives first is a failure. */
    static int nextCounted(WsClient bystander) {
        JsonObject m = bystander.next("message");
        if (m.get("data") instanceof JsonObject data && data.containsKey("n")) {
            return data.getInt("n");
        }
        throw new AssertionError("a refused publish reached the bystander: " + m);
    }

    /** A real ticket with one character of its signed part changed. */
    static String tampered(String ticket) {
        int i = ticket.length() / 2;
        char c = ticket.charAt(i) == 'A' ? 'B' : 'A';
        return ticket.substring(0, i) + c + ticket.substring(i + 1);
    }
}
