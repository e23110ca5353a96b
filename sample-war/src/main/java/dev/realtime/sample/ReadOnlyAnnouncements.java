package dev.realtime.sample;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;

/**
 * The sample's authorization rule (web.xml: {@code realtime.authorizer}): everyone may read every
 * room, but only the server publishes in {@code room:announcements} and in {@code stats:live} (the
 * live stats), and {@code room:members} is for signed-in users: those whose connection a ticket
 * admitted ({@link RealtimeTickets}). Clients that try get {@code 403 forbidden} (or an error frame).
 */
public class ReadOnlyAnnouncements implements Authorizer {
    static final String CHANNEL = "room:announcements";
    static final String MEMBERS = "room:members";

    @Override
    public ChannelAccess authorize(AccessRequest request) {
        boolean signedIn = request.principal().isPresent();
        return ChannelAccess.of(channel -> signedIn || !channel.equals(MEMBERS),
                channel -> !channel.equals(CHANNEL) && !channel.equals(LiveStats.CHANNEL) && (signedIn || !channel.equals(MEMBERS)));
    }
}
