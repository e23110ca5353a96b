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
}
