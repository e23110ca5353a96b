package dev.realtime.client.internal;

import dev.realtime.client.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tries a WebSocket handshake and closes the socket at once: AUTO uses it, while it runs on SSE or
 * long-polling, to find out whether WebSocket works again before it leaves a working transport.
 */
final class WebSocketProbe implements TransportEvents {

    private final Consumer<Boolean> result;
    private final TransportConnection socket;

    /**
     * {@code result} gets {@code true} when the handshake succeeded, once, on an I/O thread; the
     * caller then closes the probe.
     */
    WebSocketProbe(HttpClient http, URI base, Map<String, String> headers, Duration connectTimeout,
            Consumer<Boolean> result) {
        this.result = result;
        this.socket = WebSocketConnection.open(http, base, headers, connectTimeout, this);
    }

    void close() {
        socket.close();
    }

    @Override
    public void opened() {
        result.accept(true);
    }

    @Override
    public void failed(Throwable cause, boolean refused) {
        result.accept(false);
    }

    // a probe subscribes to nothing: no other event can arrive
    @Override
    public void subscribed(String channel, String cursor) {}

    @Override
    public void message(Message message, String cursor) {}

    @Override
    public void gap(String channel) {}

    @Override
    public void cursor(String cursor) {}

    @Override
    public void batch(List<String> gaps, List<Message> messages, String cursor) {}

    @Override
    public void ack(String ref, String channel, String id) {}

    @Override
    public void frameError(String ref, String channel, String code, String message) {}

    @Override
    public void activity() {}
}
