package dev.realtime.cdi;

import dev.realtime.Message;
import dev.realtime.PublishHook;
import dev.realtime.Realtime;
import dev.realtime.RealtimeListener;
import dev.realtime.TicketRequest;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Names;

import java.util.function.Consumer;

/**
 * The engine, with publishes made inside a JTA transaction held until it commits and dropped if it
 * rolls back. Names, events and data are checked (and data serialised) at the call, so a bad publish
 * fails where it is made, not at the commit. A held publish returns {@code null}: its message has no
 * id until it is published.
 */
final class TransactionalRealtime implements Realtime {
    private final Engine engine;
    private final Transactions transactions;

    TransactionalRealtime(Engine engine, Transactions transactions) {
        this.engine = engine;
        this.transactions = transactions;
    }

    @Override
    public Message publish(String channel, String event, Object data) {
        return publishJson(channel, event, engine.toJson(data));
    }

    @Override
    public Message publishJson(String channel, String event, String json) {
        if (!transactions.inTransaction()) {
            return engine.publishJson(channel, event, json); // the common case: checked once, by the engine
        }
        return afterCommit(channel, event, engine.validData(json), engine::publishJson);
    }

    /** Held for the commit like any publish: an ephemeral message may speak of the transaction's data too. */
    @Override
    public Message publishEphemeral(String channel, String event, Object data) {
        if (!transactions.inTransaction()) {
            return engine.publishEphemeral(channel, event, data);
        }
        return afterCommit(channel, event, engine.validData(engine.toJson(data)), engine::publishEphemeralJson);
    }

    /** How a checked message is sent: the engine's publish or ephemeral publish of JSON text. */
    private interface Send {
        Message send(String channel, String event, String json);
    }

    /** In a transaction: checks the names now, sends when it commits (null), or at once if it cannot be held. */
    private Message afterCommit(String channel, String event, String json, Send send) {
        Names.channel(channel);
        Names.event(event);
        if (transactions.defer(() -> send.send(channel, event, json))) {
            return null;
        }
        return send.send(channel, event, json);
    }

    @Override
    public java.util.List<dev.realtime.PresenceMember> members(String channel) {
        return engine.members(channel);
    }

    @Override
    public AutoCloseable observe(String channel, Consumer<Message> observer) {
        return engine.observe(channel, observer);
    }

    @Override
    public void addPublishHook(PublishHook hook) {
        engine.addPublishHook(hook);
    }

    @Override
    public void bindMeterRegistry(Object registry) {
        engine.bindMeterRegistry(registry);
    }

    @Override
    public String issueTicket(TicketRequest request) {
        return engine.issueTicket(request);
    }

    @Override
    public AutoCloseable addListener(RealtimeListener listener) {
        return engine.addListener(listener);
    }

    @Override
    public String toString() {
        return "TransactionalRealtime[" + engine + "]";
    }
}
