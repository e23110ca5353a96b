package dev.realtime.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtime.client.PublishAck;
import dev.realtime.client.PublishMode;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.Transport;
import dev.realtime.testing.Await;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import dev.realtime.it.support.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java client over WEBSOCKET: see {@link ClientTransportContract}. */
@ExtendWith(ArquillianExtension.class)
class WebSocketClientIT extends ClientTransportContract {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("client-websocket", PARAMS);
    }

    @Override
    Transport transport() {
        return Transport.WEBSOCKET;
    }

    @Test
    void publishFramesAreAckedOverTheOpenSocket() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = builder().publishMode(PublishMode.WEBSOCKET_WHEN_OPEN).connectionListener(rec).build();
        clients.add(client);
        client.subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
        PublishAck first = client.publishJson(channel, "{\"a\":1}").get(10, TimeUnit.SECONDS);
        PublishAck second = client.publish(channel, "note", List.of(1, 2)).get(10, TimeUnit.SECONDS);
        assertThat(first.channel()).isEqualTo(channel);
        assertThat(second.id()).isNotEqualTo(first.id());
        Await.await("2 messages", () -> rec.seen.size() >= 2);
        assertThat(rec.seen).containsExactly(first.id(), second.id());
        assertThat(rec.messages.get(1).data()).isEqualTo("[1,2]");

        // an error frame answers the publish it refers to
        assertThatThrownBy(() -> client.publishJson(channel, "x".repeat(70_000).transform(s -> "\"" + s + "\""))
                .get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(RealtimeException.class)
                .hasMessageContaining("payload_too_large");
    }

    @Test
    void autoPicksWebSocketFirst() throws Exception {
        Recorder rec = new Recorder();
        RealtimeClient client = RealtimeClient.builder(realtimeBase()).connectionListener(rec).build();
        clients.add(client);
        client.subscribe(channel, rec).ready().get(10, TimeUnit.SECONDS);
        assertThat(client.transport()).isEqualTo(Transport.WEBSOCKET);
    }
}
