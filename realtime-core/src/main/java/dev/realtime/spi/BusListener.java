package dev.realtime.spi;

import dev.realtime.Message;

/** Receives a channel's live messages. Called in publish order per channel; must not block. */
public interface BusListener {

    void onMessage(Message message);

    /**
     * The bus may have missed messages for this channel (a reconnect to the data store, a new epoch):
     * the listener should re-read history from its last position, which reports a gap when needed.
     */
    default void onResync(String channel) {
    }
}
