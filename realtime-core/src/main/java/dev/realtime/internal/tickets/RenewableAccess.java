package dev.realtime.internal.tickets;

import dev.realtime.ChannelAccess;

/**
 * A connection's rights, replaced when its credential is refreshed: the session keeps asking this one
 * object, so a refresh needs nothing from the session but the channels to drop.
 */
public final class RenewableAccess implements ChannelAccess {
    private volatile ChannelAccess current;

    public RenewableAccess(ChannelAccess initial) {
        this.current = initial;
    }

    public void renew(ChannelAccess access) {
        this.current = access;
    }

    @Override
    public boolean maySubscribe(String channel) {
        return current.maySubscribe(channel);
    }

    @Override
    public boolean mayPublish(String channel) {
        return current.mayPublish(channel);
    }
}
