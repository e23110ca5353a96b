package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 21, items 7 and 9: refused or malformed WebSocket handshakes, over raw sockets. */
@ExtendWith(ArquillianExtension.class)
class HandshakeRefusalIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("handshakes", Map.of("realtime.connections.perAddress", "100"));
    }

    @ArquillianResource
    URL base;

    private String upgrade(String extraHeaders) {
        return "GET " + base.getPath() + "realtime/ws?channel=a HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "Connection: close\r\n\r\n";
    }

    /** Each refusal used to hold a connection slot for 30 s: the 101st locked the address out with 429. */
    @Test
    void refusedUpgradesDoNotHoldConnectionSlots() throws Exception {
        for (int i = 0; i < 1000; i++) {
            RawHttp.Response r = RawHttp.exchange(base, upgrade(""));
            assertThat(r.status()).as("upgrade %d without Sec-WebSocket-Key: %s", i, r).isEqualTo(400);
            assertThat(r.text()).contains("\"error\":\"invalid_handshake\"");
        }
        try (WsClient ws = new WsClient(URI.create(new Http(base).ws("?channel=b").toString()))) {
            assertThat(ws.next("subscribed").getString("channel")).isEqualTo("b");
        }
    }

    @Test
    void aMalformedExtensionsHeaderIsA400WithTheProtocolsJson() throws Exception {
        RawHttp.Response r = RawHttp.exchange(base, upgrade("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Extensions: ;\r\n"));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.text()).contains("\"error\":\"invalid_handshake\"").doesNotContain("Exception");
    }
}
