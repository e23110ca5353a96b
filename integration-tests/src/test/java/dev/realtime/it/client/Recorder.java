package dev.realtime.it.client;

import dev.realtime.client.ConnectionListener;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.Message;
import dev.realtime.client.MessageListener;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.Transport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a subscription and the connection report; never mocked. */
final class Recorder implements MessageListener, ConnectionListener {
    /** "gap" for a gap, else the message id. */
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        messages.add(message);
        seen.add(message.id());
    }

    @Override
    public void onGap(String channel) {
        seen.add("gap");
    }

    @Override
    public void onError(RealtimeException error) {
        errors.add(error);
    }

    @Override
    public void onStateChange(ConnectionState state, Transport transport) {
        states.add(state + (transport == null ? "" : " " + transport));
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
    }

    long messageCount() {
        return seen.stream().filter(s -> !s.equals("gap")).count();
    }
}
