package dev.realtime.sample;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;

/**
 * The sample's authorization rule (web.xml: {@code realtime.authorizer}): everyone may read every
 * room, but only the server publishes in {@code room:announcements} and in {@code stats:live} (the
 * live stats). Clients that try get {@code 403 forbidden} (or a WebSocket error frame).
 */
public class ReadOnlyAnnouncements implements Authorizer {
    static final String CHANNEL = "room:announcements";

    @Override
    public ChannelAccess authorize(AccessRequest request) {
        return ChannelAccess.of(channel -> true, channel -> !channel.equals(CHANNEL) && !channel.equals(LiveStats.CHANNEL));
    }
}
