package dev.realtime.spi;

import dev.realtime.Message;
import dev.realtime.PresenceMember;

import java.util.List;

/**
 * What reaches the current subscribers of every node but is never stored (protocol 1.1): ephemeral
 * messages and channel presence. A {@link MessageBus} offers one through {@link MessageBus#live()};
 * without one the engine keeps both in memory, which is right for a single node only.
 *
 * <p>Presence here is per node: the engine counts a member's connections on its node and joins once
 * for all of them ({@link #join}), and leaves when the last is gone ({@link #leave}). The live bus
 * unites the nodes: a member is present while any node holds it, and each change is announced once
 * to the listeners of every node, in order per channel. A node that stops (or dies) must have its
 * members leave within a bounded time the implementation documents.
 *
 * <p>All methods are safe under concurrent callers; listeners are called without blocking.
 */
public interface LiveBus extends AutoCloseable {

    /** Hands an ephemeral message ({@link Message#ephemeral}) to every node's listeners of its channel. */
    void publish(Message ephemeral);

    /**
     * This node holds {@code member} in the channel's presence, with {@code info} (compact JSON
     * text). Announces a join when the member was present on no node, an update when its info
     * changed; refuses ({@link PresenceJoin#FULL}) a member not yet present when the channel holds
     * {@code maxMembers} already.
     */
    PresenceJoin join(String channel, String member, String info, int maxMembers);

    /** This node no longer holds the member; announces a leave when no other node does. */
    void leave(String channel, String member);

    /** The channel's current members across every node. */
    List<PresenceMember> members(String channel);

    /** Delivers the channel's ephemeral messages and presence events to the listener until closed. */
    BusSubscription listen(String channel, LiveListener listener);

    /** Delivers the ephemeral messages of every channel the pattern matches (no presence) until closed. */
    BusSubscription listen(ChannelPattern pattern, LiveListener listener);

    @Override
    void close();
}
