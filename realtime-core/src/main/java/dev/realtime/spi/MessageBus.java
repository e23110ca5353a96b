package dev.realtime.spi;

import dev.realtime.Message;

import java.time.Duration;
import java.util.List;

/**
 * Carries messages between publishers and subscribers, and keeps each channel's recent history.
 *
 * <p>Contract (checked by the compatibility kit {@code MessageBusContract} in realtime-bus-tck, see docs/writing-a-bus.md):
 * <ul>
 *   <li>positions are positive and increase by one in publish order within a channel; every
 *       subscriber sees a channel's messages in that order, and {@link #read} returns them in that
 *       order. A live message whose position skips some tells a subscriber that deliveries were
 *       missed (a connection that came back): it reads them from history before going on;</li>
 *   <li>history keeps at most the configured number of messages and age per channel;</li>
 *   <li>{@link #epoch()} names the history: a bus that lost history (restart, data store flushed)
 *       has a new epoch, so positions from the old one are never taken for new ones;</li>
 *   <li>listeners are called without blocking the publisher for long: they must themselves
 *       return quickly (sessions only enqueue);</li>
 *   <li>a message's {@code ts} comes from {@link BusContext#clock()} at publish;</li>
 *   <li>a cursor's epoch that is not the current one is a gap, even for a channel never published;</li>
 *   <li>{@link #close()} may be called twice; a closed bus delivers nothing more and leaves no task on
 *       the engine's scheduler and no thread of its own behind;</li>
 *   <li>all methods are safe under concurrent callers.</li>
 * </ul>
 */
public interface MessageBus extends AutoCloseable {

    /** The current history epoch: 1-16 characters of {@code [A-Za-z0-9]}. */
    String epoch();

    /**
     * Publishes a message. With an idempotency key that was already used on this channel within the
     * history age, publishes nothing and returns the first result with {@code duplicate = true}.
     *
     * @param data compact JSON text of the payload
     * @throws BusUnavailableException when the bus cannot accept messages right now
     */
    Published publish(String channel, String event, String data, String idempotencyKey);

    /**
     * Reads retained messages after {@code after} (a position of {@code epoch}), oldest first, at most
     * {@code limit} (at least 1). The page reports a gap when {@code epoch} is not the current epoch
     * (then it starts from the oldest retained message) or when messages after {@code after} are no
     * longer retained.
     */
    HistoryPage read(String channel, String epoch, long after, int limit);

    /** The position of the newest message published on the channel, 0 if none. */
    long head(String channel);

    /** Starts delivering the channel's new messages to the listener until the subscription is closed. */
    BusSubscription subscribe(String channel, BusListener listener);

    /**
     * Starts delivering the new messages of every channel the pattern matches (protocol 1.1), each
     * channel's in publish order, until the subscription is closed. A bus without wildcard support
     * keeps this default: the client is told patterns are not available.
     */
    default BusSubscription subscribe(ChannelPattern pattern, BusListener listener) {
        throw new UnsupportedOperationException("this message bus does not support wildcard subscriptions");
    }

    /**
     * Channels the pattern matches that retain a message published at or after {@code sinceMillis}
     * (by the message's {@code ts}), at most {@code limit + 1} of them (so the caller sees there are
     * more than it can take), in no particular order. Used to resume a wildcard subscription.
     */
    default List<String> channelsActiveSince(ChannelPattern pattern, long sinceMillis, int limit) {
        throw new UnsupportedOperationException("this message bus does not support wildcard subscriptions");
    }

    /**
     * The bus's ephemeral messages and presence across nodes (protocol 1.1), created once and closed
     * with the bus; {@code null} (the default) makes the engine keep them in memory, on this node only.
     */
    default LiveBus live() {
        return null;
    }

    /**
     * Checks that the bus can carry messages right now, for the health endpoint (which calls it at most
     * once a second): a bus that talks to a server asks it, within its command timeout. An in-process bus
     * has nothing to check: the default does nothing.
     *
     * @throws BusUnavailableException when the bus cannot carry messages
     */
    default void checkAvailable() {
    }

    /**
     * Claims {@code key} (a connection ticket's id) so that it is claimed once only, across every node
     * sharing this bus, for at least {@code ttl}: {@link Claim#CLAIMED} for the first claim,
     * {@link Claim#ALREADY_CLAIMED} after. This is what makes a ticket single-use on every node.
     *
     * <p>The default answers {@link Claim#NOT_SHARED}: the engine then keeps claims in this node's
     * memory, which is exact for a bus whose nodes share nothing (the in-memory bus) and, for a shared
     * bus that does not override this, lets a ticket be used once per node.
     *
     * @throws BusUnavailableException when the bus cannot answer right now
     */
    default Claim claimOnce(String key, Duration ttl) {
        return Claim.NOT_SHARED;
    }

    /** Stops the bus and releases its threads and connections. */
    @Override
    void close();
}
