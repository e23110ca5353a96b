package dev.realtime;

import java.util.function.Predicate;

/** One connection's rights, as an {@link Authorizer} granted them. Must be thread-safe and fast. */
public interface ChannelAccess {

    ChannelAccess ALL = of(channel -> true, channel -> true);

    boolean maySubscribe(String channel);

    boolean mayPublish(String channel);

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
