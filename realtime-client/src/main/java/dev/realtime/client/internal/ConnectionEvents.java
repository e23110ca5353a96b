package dev.realtime.client.internal;

import dev.realtime.client.Message;
import java.util.List;

/**
 * Binds one connection's transport events to its generation and moves them onto the {@link Loop}:
 * events of a connection the engine has since replaced or closed are dropped.
 */
final class ConnectionEvents implements TransportEvents {
    private final ConnectionMachine engine;
    private final long gen;

    ConnectionEvents(ConnectionMachine engine, long gen) {
        this.engine = engine;
        this.gen = gen;
    }

    private void onLoop(Runnable r) {
        engine.loop().post(() -> {
            if (engine.isCurrent(gen)) {
                r.run();
            }
        });
    }

    @Override
    public void opened() {
        onLoop(engine::onOpened);
    }

    @Override
    public void subscribed(String channel, String cursor) {
        onLoop(() -> engine.onSubscribed(channel, cursor));
    }

    @Override
    public void message(Message message, String cursor) {
        onLoop(() -> engine.onMessage(message, cursor));
    }

    @Override
    public void gap(String channel) {
        onLoop(() -> engine.channels().gap(channel));
    }

    @Override
    public void cursor(String cursor) {
        onLoop(() -> engine.channels().acceptCursor(cursor));
    }

    @Override
    public void batch(List<String> gaps, List<Message> messages, String cursor) {
        onLoop(() -> engine.onBatch(gaps, messages, cursor));
    }

    @Override
    public void ack(String ref, String channel, String id) {
        onLoop(() -> engine.publishing().acknowledged(ref, channel, id));
    }

    @Override
    public void frameError(String ref, String channel, String code, String message) {
        onLoop(() -> engine.onFrameError(ref, channel, code, message));
    }

    @Override
    public void authenticated(String token, long expiresInMillis) {
        engine.onAuthenticated(token, expiresInMillis);
    }

    @Override
    public void presence(jakarta.json.JsonObject event) {
        onLoop(() -> engine.onPresence(event));
    }

    @Override
    public void activity() {
        engine.activity(gen);
    }

    @Override
    public void failed(Throwable cause, boolean refused) {
        engine.onCredentialRefused(cause);
        onLoop(() -> engine.onFailed(cause, refused));
    }
}
