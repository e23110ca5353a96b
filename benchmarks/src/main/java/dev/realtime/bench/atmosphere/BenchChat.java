package dev.realtime.bench.atmosphere;

import org.atmosphere.config.service.Disconnect;
import org.atmosphere.config.service.ManagedService;
import org.atmosphere.config.service.Message;
import org.atmosphere.config.service.Ready;
import org.atmosphere.cpr.AtmosphereResource;
import org.atmosphere.cpr.AtmosphereResourceEvent;

/**
 * The one channel of the Atmosphere peer: a chat-style {@code @ManagedService} on {@code /chat}, with the
 * annotation's defaults (its interceptors and the {@code UUIDBroadcasterCache}). Subscribers connect with
 * atmosphere.js's protocol (WebSocket, SSE or long-polling); {@link AtmospherePublish} broadcasts to them.
 * A message a client sends itself is broadcast as it is, as in Atmosphere's chat sample.
 */
@ManagedService(path = BenchChat.PATH)
public class BenchChat {
    public static final String PATH = "/chat";

    @Ready
    public void onReady(AtmosphereResource r) {
        // nothing to do: the resource is suspended and subscribed to the broadcaster by the managed service
    }

    @Disconnect
    public void onDisconnect(AtmosphereResourceEvent event) {
        // nothing to do: Atmosphere removes the resource from the broadcaster
    }

    @Message
    public String onMessage(String message) {
        return message;
    }
}
