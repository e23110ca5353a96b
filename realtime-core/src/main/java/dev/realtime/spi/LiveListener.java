package dev.realtime.spi;

import dev.realtime.Message;

/** Receives what a {@link LiveBus} carries for a channel: ephemeral messages and presence changes. Must not block. */
public interface LiveListener {

    /** An ephemeral message ({@link Message#ephemeral()}). */
    default void onEphemeral(Message message) {
    }

    /** A change of the channel's presence, as every node sees it. */
    default void onPresence(PresenceEvent event) {
    }

    /**
     * The live bus may have missed events of this channel (a reconnect to its data store): presence
     * listeners should take a fresh member list.
     */
    default void onResync(String channel) {
    }
}
