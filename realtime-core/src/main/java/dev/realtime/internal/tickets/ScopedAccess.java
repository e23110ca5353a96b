package dev.realtime.internal.tickets;

import dev.realtime.ChannelAccess;

/** The authorizer's answer, within the channels a ticket names. */
public record ScopedAccess(ChannelAccess granted, ChannelScope scope) implements ChannelAccess {

    @Override
    public boolean maySubscribe(String channel) {
        return scope.allows(channel) && granted.maySubscribe(channel);
    }

    @Override
    public boolean mayPublish(String channel) {
        return granted.mayPublish(channel);
    }
}
