package dev.realtime.it.attack;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;
import dev.realtime.it.support.TicketAuthorizer;

/**
 * {@link TicketAuthorizer}'s rules, plus: a channel whose last segment is {@code staff} needs the
 * role {@code staff}. A pattern's own text never ends in {@code staff}, so {@code room:*} is open to
 * everyone while the channel {@code room:staff} it matches is not: the Authorizer's answer for a
 * matched channel is what must follow a refresh.
 */
public class StaffAuthorizer extends TicketAuthorizer {
    @Override
    public ChannelAccess authorize(AccessRequest request) {
        ChannelAccess base = super.authorize(request);
        boolean staff = request.isUserInRole("staff");
        return ChannelAccess.of(channel -> base.maySubscribe(channel) && (staff || !channel.endsWith(":staff")),
                base::mayPublish);
    }
}
