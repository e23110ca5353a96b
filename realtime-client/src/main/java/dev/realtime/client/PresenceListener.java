package dev.realtime.client;

import java.util.List;

/**
 * Receives a watched channel's presence (protocol 1.1): a {@code sync} first (and after every
 * reconnect), then every change, each with the member list as it stands after it. Called on the
 * listener executor, one callback at a time.
 */
@FunctionalInterface
public interface PresenceListener {
    void onPresence(PresenceEvent event, List<PresenceMember> members);
}
