package dev.realtime.bench.load;

import java.net.http.HttpClient;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A JDK WebSocket subscriber speaking atmosphere.js's protocol ({@link AtmosphereProtocol}): live once the
 * handshake message arrives; reconnects with its tracking id, so Atmosphere's cache replays what it missed.
 */
final class AtmosphereWsClient extends WsClient {

    AtmosphereWsClient(Target target, HttpClient http, ScheduledExecutorService timer) {
        super(target, http, timer);
    }

    @Override
    boolean liveOnOpen() {
        return cursor != null; // no handshake on a reconnection with a tracking id
    }

    @Override
    void onFrame(String text, long now) {
        String uuid = AtmosphereProtocol.read(this, text, now);
        if (uuid != null) {
            cursor = uuid;
            onConnected();
        }
    }
}
