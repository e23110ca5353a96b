package dev.realtime.it.attack;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client address against the state protocol 1.1 keeps for it between requests: long-poll
 * sessions parked for the next poll, and long-poll presence members kept for their grace. Neither is
 * a connection, so neither is held by the per-address connection limit directly; each must still be
 * bounded per address, or one client polling fast (each poll answered at once, with another cursor
 * or another member) grows the node's memory without bound. Also: a member flapping join/leave fast
 * over WebSocket loses no leave and repeats none.
 */
@ExtendWith(ArquillianExtension.class)
class OneAddressLiveStateIsBoundedIT {
    static final int PER_ADDRESS = 3;
    static final int CHANNELS = 2;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("bounded-live", Map.of(
                "realtime.connections.perAddress", Integer.toString(PER_ADDRESS),
                "realtime.channels.max", Integer.toString(CHANNELS),
                "realtime.poll.linger", "30s",
                "realtime.presence.pollGrace", "30s"));
    }

    @ArquillianResource
    URL base;
    Http http;
    String prefix;

    @BeforeEach
    void setUp() {
        http = new Http(base);
        prefix = "room:" + UUID.randomUUID() + ":";
    }

    HttpResponse<String> poll(String query) {
        HttpResponse<String> r = http.get("/realtime/poll?v=1.1&timeout=0&" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    void publishEphemeral(String channel) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(http.uri("/realtime/publish?ephemeral=true&channel=" + enc(channel)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"typing\":true}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    List<String> members(String channel) {
        return Http.json(http.get("/realtime/presence?channel=" + enc(channel))).getJsonArray("members").stream()
                .map(v -> v.asJsonObject().getString("member")).toList();
    }

    /**
     * An ephemeral message reaches a long-poll only while its session is held or parked: each parked
     * session that is still kept shows it to the poll that takes it over. Twelve sessions parked from
     * one address, each on its own channel with its own cursor: only as many as the address may hold
     * connections are kept.
     */
    @Test
    void oneAddressKeepsNoMoreParkedPollSessionsThanItMayHoldConnections() {
        int polls = 4 * PER_ADDRESS;
        List<String> cursors = new ArrayList<>();
        for (int i = 0; i < polls; i++) {
            String channel = enc(prefix + i);
            String first = Http.json(poll("channel=" + channel)).getString("cursor");
            cursors.add(Http.json(poll("channel=" + channel + "&since=" + enc(first))).getString("cursor")); // parked under this cursor
        }
        for (int i = 0; i < polls; i++) {
            publishEphemeral(prefix + i);
        }
        int kept = 0;
        for (int i = 0; i < polls; i++) {
            JsonObject answer = Http.json(poll("channel=" + enc(prefix + i) + "&since=" + enc(cursors.get(i))));
            kept += answer.getJsonArray("messages").isEmpty() ? 0 : 1;
        }
        assertThat(kept).as("parked sessions kept for one address").isEqualTo(PER_ADDRESS);
    }

    /**
     * Every poll that joins holds its member for the grace after its answer. Polls answered at once,
     * each joining another channel as another member: the members one address keeps waiting out a
     * grace are bounded by what its connections could hold (connections per address times channels).
     */
    @Test
    void oneAddressKeepsNoMoreLongPollMembersInTheirGraceThanItsConnectionsCouldHold() {
        int polls = 4 * PER_ADDRESS * CHANNELS;
        for (int i = 0; i < polls; i++) {
            poll("join=" + enc(prefix + i) + "&member=m" + i);
        }
        int present = 0;
        for (int i = 0; i < polls; i++) {
            present += members(prefix + i).size();
        }
        assertThat(present).as("members of one address in their grace").isEqualTo(PER_ADDRESS * CHANNELS);
    }

    @Test
    void aWebSocketJoinsNoMoreChannelsThanItMaySubscribeAndARejoinCountsOnce() {
        try (WsClient ws = new WsClient(http.ws("?v=1.1"))) {
            for (int i = 0; i < CHANNELS; i++) {
                ws.send("{\"type\":\"join\",\"channel\":\"" + prefix + i + "\",\"member\":\"m\"}").next("joined");
            }
            ws.send("{\"type\":\"join\",\"channel\":\"" + prefix + 0 + "\",\"member\":\"m\",\"info\":1}").next("joined");
            JsonObject refused = ws.send("{\"type\":\"join\",\"channel\":\"" + prefix + CHANNELS + "\",\"member\":\"m\"}").next("error");
            assertThat(refused.getString("code")).isEqualTo("too_many_channels");
            assertThat(members(prefix + CHANNELS)).isEmpty();
            ws.send("{\"type\":\"leave\",\"channel\":\"" + prefix + 0 + "\"}").next("left");
            ws.send("{\"type\":\"join\",\"channel\":\"" + prefix + CHANNELS + "\",\"member\":\"m\"}").next("joined");
        }
    }

    @Test
    void aMemberFlappingJoinAndLeaveFastIsSeenJoiningAndLeavingInTurnAndEndsAbsent() throws Exception {
        String channel = prefix + "flap";
        int flaps = 300;
        try (WsClient watcher = new WsClient(http.ws("?v=1.1&presence=" + enc(channel)));
             WsClient flapper = new WsClient(http.ws("?v=1.1"))) {
            assertThat(watcher.next("presence").getString("action")).isEqualTo("sync");
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < flaps; i++) {
                flapper.send("{\"type\":\"join\",\"channel\":\"" + channel + "\",\"member\":\"flap\",\"info\":{\"n\":" + i + "}}");
                flapper.send("{\"type\":\"leave\",\"channel\":\"" + channel + "\"}");
            }
            for (int i = 0; i < flaps; i++) {
                assertThat(flapper.next().getString("type")).isEqualTo("joined");
                assertThat(flapper.next().getString("type")).isEqualTo("left");
            }
            for (int i = 0; i < flaps; i++) {
                JsonObject join = watcher.next("presence");
                JsonObject leave = watcher.next("presence");
                frames.append(join.getString("action")).append(join.getJsonObject("info").getInt("n")).append(leave.getString("action"));
                assertThat(join.getString("action") + "/" + leave.getString("action")).as("flap " + i + ": " + frames).isEqualTo("join/leave");
                assertThat(join.getJsonObject("info").getInt("n")).isEqualTo(i);
            }
            assertThat(members(channel)).isEmpty();
        }
    }
}
