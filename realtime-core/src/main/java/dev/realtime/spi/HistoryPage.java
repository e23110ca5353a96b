package dev.realtime.spi;

import dev.realtime.Message;

import java.util.List;

/**
 * A page of retained history.
 *
 * @param messages retained messages after the requested position, oldest first
 * @param gap      true when messages after the requested position were lost (expired, trimmed, or another epoch)
 * @param head     the channel's newest position when the page was read (0 if none)
 */
public record HistoryPage(List<Message> messages, boolean gap, long head) {
    public HistoryPage {
        messages = List.copyOf(messages);
    }

    /**
     * The one rule for a position beyond the channel's head (a data store restored from an older
     * snapshot, a cursor edited by hand): that position belongs to no history this bus holds. The core
     * answers it as a gap followed by everything retained, exactly as for another epoch, so a position
     * is never taken for a message the client did not see. A bus needs no check of its own for it.
     */
    public boolean beyondHead(long after) {
        return after > head;
    }
}
