package dev.realtime.containers.cdi;

import dev.realtime.cdi.ChannelSubscribed;
import dev.realtime.cdi.ChannelUnsubscribed;
import dev.realtime.cdi.ConnectionClosed;
import dev.realtime.cdi.ConnectionOpened;
import dev.realtime.cdi.MessagePublished;
import dev.realtime.cdi.PresenceJoined;
import dev.realtime.cdi.PresenceLeft;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every realtime event it observes, one line each (the published ones also asynchronously). */
@ApplicationScoped
public class Observed {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    /** A method, not the field: a caller holds the client proxy, whose own fields are not this instance's. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    void opened(@Observes ConnectionOpened e) {
        lines.add("opened " + e.connection().id() + " " + e.connection().transport() + " " + user(e.connection().principal().orElse(null)));
    }

    void closed(@Observes ConnectionClosed e) {
        lines.add("closed " + e.connection().id());
    }

    void subscribed(@Observes ChannelSubscribed e) {
        lines.add("subscribed " + e.connection().id() + " " + e.channel());
    }

    void unsubscribed(@Observes ChannelUnsubscribed e) {
        lines.add("unsubscribed " + e.connection().id() + " " + e.channel());
    }

    void joined(@Observes PresenceJoined e) {
        lines.add("joined " + e.connection().id() + " " + e.channel() + " " + e.member());
    }

    void left(@Observes PresenceLeft e) {
        lines.add("left " + e.connection().id() + " " + e.channel() + " " + e.member());
    }

    void published(@Observes MessagePublished e) {
        lines.add("published " + e.message().channel() + " " + e.message().id() + " " + e.origin() + " " + e.message().data());
    }

    void publishedAsync(@ObservesAsync MessagePublished e) {
        lines.add("async-published " + e.message().channel() + " " + e.message().id() + " " + e.origin());
    }

    private static String user(Principal p) {
        return p == null ? "-" : p.getName();
    }
}
