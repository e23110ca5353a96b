package dev.realtime.client.internal;

import dev.realtime.client.MessageListener;
import dev.realtime.client.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The {@link Subscription} handed to the application; cancelling goes back to the engine. */
final class SubscriptionHandle implements Subscription {
    final String channel;
    final MessageListener listener;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Set false by the engine, under its facade lock, when cancelled or closed. */
    volatile boolean active = true;
    private final Consumer<SubscriptionHandle> canceller;

    SubscriptionHandle(String channel, MessageListener listener, Consumer<SubscriptionHandle> canceller) {
        this.channel = channel;
        this.listener = listener;
        this.canceller = canceller;
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void cancel() {
        canceller.accept(this);
    }

    @Override
    public String toString() {
        return "Subscription[" + channel + (active ? "" : ", cancelled") + "]";
    }
}
