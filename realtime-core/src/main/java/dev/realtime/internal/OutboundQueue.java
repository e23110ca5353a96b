package dev.realtime.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A session's bounded outbound queue: it counts items and their heap weight and applies the
 * slow-consumer policy. Not thread-safe: every method runs under the owning {@link Session}'s lock.
 */
final class OutboundQueue {
    private final ArrayDeque<Outbound> items = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private final Settings.QueuePolicy policy;
    private long bytes;
    /** Told of each message dropped under the drop-oldest policy (the meters). */
    private final Runnable onDropped;

    OutboundQueue(int maxMessages, long maxBytes, Settings.QueuePolicy policy, Runnable onDropped) {
        this.onDropped = onDropped;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.policy = policy;
    }

    /**
     * Appends an item. Over its bounds the queue either drops its oldest messages, each leaving a gap
     * notice, or, under the {@code disconnect} policy, empties itself and returns false: the session
     * must then end.
     */
    boolean add(Outbound o) {
        items.addLast(o);
        bytes += o.weight();
        if (overBounds()) {
            if (policy == Settings.QueuePolicy.DISCONNECT) {
                clear();
                return false;
            }
            while (overBounds() && dropOldestMessage()) {
                // each round frees one message
            }
        }
        return true;
    }

    Outbound poll() {
        Outbound o = items.pollFirst();
        if (o != null) {
            bytes -= o.weight();
        }
        return o;
    }

    /** Takes every item, oldest first. */
    List<Outbound> takeAll() {
        List<Outbound> all = new ArrayList<>(items);
        clear();
        return all;
    }

    /** Withdraws the queued messages, gap notices and presence events of a channel the session left. */
    void withdraw(String channel) {
        for (Iterator<Outbound> it = items.iterator(); it.hasNext(); ) {
            Outbound o = it.next();
            if ((o instanceof Outbound.Delivery d && d.message().channel().equals(channel)) || isGap(o, channel)
                    || (o instanceof Outbound.Presence p && p.channel().equals(channel))) {
                it.remove();
                bytes -= o.weight();
            }
        }
    }

    void clear() {
        items.clear();
        bytes = 0;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    int size() {
        return items.size();
    }

    /** The bound on live messages a replaying channel may hold back: the queue's own. */
    int maxMessages() {
        return maxMessages;
    }

    /**
     * A replay fills at most half the queue, so a client resuming far behind is paced by its own
     * reading instead of tripping the slow-consumer policy.
     */
    boolean halfFull() {
        return items.size() >= maxMessages / 2 || bytes >= maxBytes / 2;
    }

    /** How many messages a replay may still add before the queue is half full. */
    int replayRoom() {
        return maxMessages / 2 - items.size();
    }

    /** Drained far enough (a quarter) for suspended replays to go on. */
    boolean drainedForReplay() {
        return items.size() <= maxMessages / 4 && bytes <= maxBytes / 4;
    }

    private boolean overBounds() {
        return items.size() > maxMessages || bytes > maxBytes;
    }

    /**
     * drop-oldest policy: removes the oldest message and leaves a gap notice in its place (none for an
     * ephemeral message: it was never to be resumed).
     */
    private boolean dropOldestMessage() {
        ArrayDeque<Outbound> before = new ArrayDeque<>();
        while (!items.isEmpty() && !(items.peekFirst() instanceof Outbound.Delivery)) {
            before.addLast(items.pollFirst());
        }
        Outbound.Delivery dropped = (Outbound.Delivery) items.pollFirst();
        if (dropped != null) {
            onDropped.run();
            bytes -= dropped.weight();
            String channel = dropped.message().channel();
            Outbound.Gap gap = new Outbound.Gap(channel);
            // compares channels by hand: a record's generated equals() would leave this class in a JDK-wide cache
            // (java.lang.runtime.ObjectMethods), pinning the web application's class loader after undeploy
            if (!dropped.message().ephemeral() && !isGap(before.peekLast(), channel) && !isGap(items.peekFirst(), channel)) {
                before.addLast(gap);
                bytes += gap.weight();
            }
        }
        while (!before.isEmpty()) {
            items.addFirst(before.pollLast());
        }
        return dropped != null;
    }

    private static boolean isGap(Outbound o, String channel) {
        return o instanceof Outbound.Gap g && g.channel().equals(channel);
    }

    @Override
    public String toString() {
        return items.size() + " items, " + bytes + " bytes";
    }
}
