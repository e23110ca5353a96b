package dev.realtime.client;

import java.util.List;

/** A watch of a channel's presence; {@link #close()} stops it. */
public interface PresenceWatch extends AutoCloseable {
    /** The members as the last event left them. */
    List<PresenceMember> members();

    @Override
    void close();
}
