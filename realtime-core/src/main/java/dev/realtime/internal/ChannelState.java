package dev.realtime.internal;

import dev.realtime.Message;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel as one session sees it, and the bus listener for it. Fields are guarded by the session's
 * lock, except {@link #subscription}; {@link #replayLock} keeps one replay per channel at a time.
 */
final class ChannelState implements BusListener {
    final String name;
    /** The channel's position and its place in the session's cursor text. */
    final CursorText.Slot slot;
    final Object replayLock = new Object();
    /** Live messages that arrived while the channel replays, released when the replay catches up. */
    final List<Message> held = new ArrayList<>();
    volatile BusSubscription subscription;
    boolean replaying = true;
    /** Held live messages overflowed: the replay must read history once more before it finishes. */
    boolean heldOverflow;
    /** The replay waits for the reader to drain the queue. */
    boolean suspended;
    /** Unsubscribed, or the session closed. */
    boolean gone;
    /** Set when the session moved to a new epoch before this channel's replay: the epoch its position belongs to. */
    String staleEpoch;
    /** Subscribed by name (it has its own bus subscription); otherwise only a wildcard pattern feeds it. */
    boolean explicit = true;
    /**
     * A channel a wildcard resume found (protocol 1.1): its replay passes over messages older than this
     * time (epoch ms) without delivering them; 0 once that replay is done.
     */
    long skipBefore;
    private final Replay replay;

    ChannelState(String name, Replay replay) {
        this.name = name;
        this.slot = new CursorText.Slot(name);
        this.replay = replay;
    }

    /** The last position delivered (or the start position before any delivery). */
    long lastPosition() {
        return slot.position();
    }

    @Override
    public void onMessage(Message message) {
        replay.onLive(this, message);
    }

    @Override
    public void onResync(String channel) {
        replay.later(this, 0);
    }
}
