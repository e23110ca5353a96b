package dev.realtime.it.support;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;

import java.security.Principal;

/**
 * Test rules for tickets: {@code private:<user>:*} is its user's alone, {@code vip:*} needs the role
 * {@code vip}, and a connection without a user (no ticket, no login) may neither read nor publish on
 * {@code members:*}; anything else is open.
 */
public class TicketAuthorizer implements Authorizer {
    @Override
    public ChannelAccess authorize(AccessRequest request) {
        String user = request.principal().map(Principal::getName).orElse(null);
        boolean vip = request.isUserInRole("vip");
        return ChannelAccess.of(
                channel -> (!channel.startsWith("private:") || (user != null && channel.startsWith("private:" + user + ":")))
                        && (!channel.startsWith("vip:") || vip)
                        && (!channel.startsWith("members:") || user != null),
                channel -> !channel.startsWith("members:") || user != null);
    }
}
