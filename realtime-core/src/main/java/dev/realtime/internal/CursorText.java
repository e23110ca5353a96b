package dev.realtime.internal;

import java.util.Collection;

/**
 * The text of a session's cursor, kept between deliveries. A cursor is built for every delivery, so
 * a position that moves is rewritten in place and the text is laid out again only when the channels,
 * the epoch or a position's digit count change: a delivery costs a copy of the text, not a walk over
 * every channel of the session. Not thread-safe: every method runs under the owning
 * {@link Session}'s lock.
 */
final class CursorText {

    /** One channel's entry in the text: its position and where that position's digits stand. */
    static final class Slot {
        /** The entry up to its position, {@code ~<hash>.}: built once, not per delivery. */
        private final String prefix;
        private long position;
        private int digitsAt;
        private int digitsLength;
        /** The layout the digits' place belongs to; -1 before the first. */
        private int layout = -1;

        Slot(String channel) {
            this.prefix = Cursor.entryPrefix(Cursor.hash(channel));
        }

        long position() {
            return position;
        }
    }

    private char[] text;
    /** Channels added or removed: the text must be laid out again. */
    private int layoutChanges;
    private int renderedLayout = -1;
    private String renderedEpoch;
    private boolean stale = true;

    /** A channel joined or left the cursor. */
    void channelsChanged() {
        layoutChanges++;
    }

    /** Every change of a channel's position comes here, to keep the text current. */
    void setPosition(Slot s, long position) {
        s.position = position;
        // a channel missing from the text, or a position with another digit count: lay the text out again
        // (writing into a text that render() will lay out anyway, after channels or the epoch changed, is harmless)
        if (!stale && (s.layout != renderedLayout || !Cursor.rewritePosition(text, s.digitsAt, s.digitsLength, position))) {
            stale = true;
        }
    }

    /** The cursor for {@code epoch} covering {@code channels}, the session's channels in their order. */
    String render(String epoch, Collection<ChannelState> channels) {
        return render(epoch, channels, java.util.List.of());
    }

    /**
     * The cursor for {@code epoch} covering {@code channels} and the wildcard patterns' own entries
     * ({@code patterns}: a pattern's "position" is the time, in seconds, up to which it is covered).
     */
    String render(String epoch, Collection<ChannelState> channels, Collection<Slot> patterns) {
        if (stale || renderedLayout != layoutChanges || !epoch.equals(renderedEpoch)) {
            layOut(epoch, channels, patterns);
        }
        return new String(text);
    }

    private void layOut(String epoch, Collection<ChannelState> channels, Collection<Slot> patterns) {
        StringBuilder b = new StringBuilder(24 + (channels.size() + patterns.size()) * 20);
        b.append("1~").append(epoch);
        for (ChannelState channel : channels) {
            append(b, channel.slot);
        }
        for (Slot s : patterns) {
            append(b, s);
        }
        text = new char[b.length()];
        b.getChars(0, b.length(), text, 0);
        renderedLayout = layoutChanges;
        renderedEpoch = epoch;
        stale = false;
    }

    private void append(StringBuilder b, Slot s) {
        b.append(s.prefix);
        s.digitsAt = b.length();
        Cursor.appendPosition(b, s.position);
        s.digitsLength = b.length() - s.digitsAt;
        s.layout = layoutChanges;
    }
}
