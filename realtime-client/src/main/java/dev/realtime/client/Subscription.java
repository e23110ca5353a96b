package dev.realtime.client;

import java.util.concurrent.CompletableFuture;

/** A handle to one subscription made with {@link RealtimeClient#subscribe}. */
public interface Subscription extends AutoCloseable {

    /** The channel name. */
    String channel();

    /**
     * Completes when the subscription is live on the server: every message published afterwards
     * is delivered. Completes exceptionally if the subscription is refused or the client closed
     * first.
     */
    CompletableFuture<Void> ready();

    /** Whether the subscription still delivers messages. */
    boolean isActive();

    /**
     * Stops delivery to this subscription's listener. Idempotent. After it returns the listener
     * receives nothing more.
     */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
