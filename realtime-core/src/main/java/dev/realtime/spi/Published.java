package dev.realtime.spi;

/** The result of a publish: the message's channel and position; {@code duplicate} for a repeated idempotency key. */
public record Published(String channel, long position, boolean duplicate) {
    public String id() {
        return Long.toString(position);
    }
}
