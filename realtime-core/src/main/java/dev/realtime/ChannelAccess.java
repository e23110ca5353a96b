package dev.realtime;

import java.util.function.Predicate;

/** One connection's rights, as an {@link Authorizer} granted them. Must be thread-safe and fast. */
public interface ChannelAccess {

    ChannelAccess ALL = of(channel -> true, channel -> true);

    boolean maySubscribe(String channel);

    boolean mayPublish(String channel);

    /**
     * The member id this connection shows in the channel's presence (protocol 1.1), or null to refuse
     * the join ({@code 403 forbidden}). By default the authenticated user's name, else the id the
     * client asked for; override to replace it (e.g. with an id from your own session) or to refuse
     * ids a client may not claim.
     *
     * @param requested the {@code member} the client named, or null
     * @param user      the authenticated user's name, or null
     */
    default String presenceMember(String channel, String requested, String user) {
        return user != null ? user : requested;
    }

    static ChannelAccess of(Predicate<String> subscribe, Predicate<String> publish) {
        return new ChannelAccess() {
            @Override
            public boolean maySubscribe(String channel) {
                return subscribe.test(channel);
            }

            @Override
            public boolean mayPublish(String channel) {
                return publish.test(channel);
            }
        };
    }
}
