package dev.realtime.spi;

/**
 * A wildcard subscription (protocol 1.1): {@code room:*} matches every channel {@code room:<segment>}
 * whose last segment holds no {@code :}; {@code room:**} matches every longer channel that starts
 * with {@code room:}. The core validates the text before a bus sees a pattern.
 *
 * @param prefix   the fixed part, ending with {@code :} (e.g. {@code room:})
 * @param anyDepth {@code **}: the rest may hold further segments
 */
public record ChannelPattern(String prefix, boolean anyDepth) {

    /** Whether the channel is one this pattern stands for. */
    public boolean matches(String channel) {
        return channel.length() > prefix.length() && channel.startsWith(prefix)
                && (anyDepth || channel.indexOf(':', prefix.length()) < 0);
    }

    /** The pattern as written: {@code room:*} or {@code room:**}. */
    public String text() {
        return prefix + (anyDepth ? "**" : "*");
    }

    @Override
    public String toString() {
        return text();
    }
}
