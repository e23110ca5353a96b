package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ClientPublish;
import dev.realtime.Connection;
import dev.realtime.Message;
import dev.realtime.RealtimeListener;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What a {@link RealtimeListener} sees, once per thing that happens, in order. */
class ListenersTest {
    final TestBusContext ctx = new TestBusContext(100, Duration.ofMinutes(10), Map.of());
    Engine engine;

    @AfterEach
    void tearDown() {
        engine.close();
        ctx.close();
    }

    /** Records every call as one line. */
    static class Recording implements RealtimeListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void opened(Connection c) {
            seen.add("opened " + c.id() + " " + c.transport() + " " + c.principal().map(Principal::getName).orElse("-") + " " + c.remoteAddress());
        }

        @Override
        public void closed(Connection c) {
            seen.add("closed " + c.id());
        }

        @Override
        public void subscribed(Connection c, String channel) {
            seen.add("subscribed " + c.id() + " " + channel);
        }

        @Override
        public void unsubscribed(Connection c, String channel) {
            seen.add("unsubscribed " + c.id() + " " + channel);
        }

        @Override
        public void joined(Connection c, String channel, String member) {
            seen.add("joined " + c.id() + " " + channel + " " + member);
        }

        @Override
        public void left(Connection c, String channel, String member) {
            seen.add("left " + c.id() + " " + channel + " " + member);
        }

        @Override
        public void published(Message m, ClientPublish client) {
            seen.add("published " + m.channel() + " " + m.id() + " " + m.data() + " " + (client == null ? "application" : client.transport()));
        }
    }

    Engine engine() {
        MessageBus bus = new MemoryBusProvider().create(ctx);
        engine = new Engine(new Settings(Map.<String, String>of()::get), bus, ctx.clock(), ctx.scheduler(), new DirectExecutor(), false);
        return engine;
    }

    @Test
    void eachEventOnceInOrder() throws Exception {
        Engine e = engine();
        Recording r = new Recording();
        AutoCloseable handle = e.addListener(r);
        Principal ann = () -> "ann";
        Session s = e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE, "10.0.0.1", ChannelAccess.ALL, ann);
        s.subscribeAll(List.of("a", "b"), Since.NOW);
        s.subscribeAll(List.of("a"), Since.NOW); // again: no second event
        e.publish("a", Map.of("n", 1));
        e.publishFromClient(new ClientPublish("b", "message", "{\"n\":2}", ann, "websocket", "10.0.0.1"), "k1", ChannelAccess.ALL);
        e.publishFromClient(new ClientPublish("b", "message", "{\"n\":2}", ann, "websocket", "10.0.0.1"), "k1", ChannelAccess.ALL); // duplicate
        s.unsubscribe("a", null);
        s.unsubscribe("a", null); // not subscribed: nothing
        s.close();
        s.close();
        String id = s.id();
        assertThat(r.seen).containsExactly(
                "opened " + id + " local ann 10.0.0.1",
                "subscribed " + id + " a",
                "subscribed " + id + " b",
                "published a 1 {\"n\":1} application",
                "published b 1 {\"n\":2} websocket",
                "unsubscribed " + id + " a",
                "unsubscribed " + id + " b",
                "closed " + id);

        handle.close();
        e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE).close();
        assertThat(r.seen).hasSize(8);
    }

    Session open11(Engine e) {
        Session s = e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE, "10.0.0.1", ChannelAccess.ALL, null);
        s.protocol11();
        return s;
    }

    @Test
    void aPresenceJoinAndLeaveEachReachTheListenerOnce() {
        Engine e = engine();
        Recording r = new Recording();
        e.addListener(r);
        Session tab1 = open11(e);
        Session tab2 = open11(e);
        tab1.live().join("room:1", "ann", null, null);
        tab1.live().join("room:1", "ann", null, "{\"nick\":\"Ann\"}"); // new info only: no second join
        tab2.live().join("room:1", "ann", null, null); // the same member through another tab: still present
        tab1.live().leave("room:1");
        tab2.live().leave("room:1");
        tab2.live().leave("room:1"); // not joined: nothing
        tab1.live().join("room:2", "bob", null, null);
        tab1.close(); // a closing connection leaves, before it is closed
        tab2.close();
        assertThat(r.seen).containsExactly(
                "opened " + tab1.id() + " local - 10.0.0.1",
                "opened " + tab2.id() + " local - 10.0.0.1",
                "joined " + tab1.id() + " room:1 ann",
                "left " + tab2.id() + " room:1 ann",
                "joined " + tab1.id() + " room:2 bob",
                "left " + tab1.id() + " room:2 bob",
                "closed " + tab1.id(),
                "closed " + tab2.id());
    }

    @Test
    void aLongPollMemberLeavesOnceAfterItsGraceNotBetweenPolls() {
        Engine e = engine();
        Recording r = new Recording();
        Session poll = open11(e);
        e.addListener(r);
        poll.live().join("room:1", "bob", null, null);
        poll.keepPresenceUntil(ctx.clock().millis() + 15_000);
        poll.close();
        ctx.clock().advance(Duration.ofSeconds(10));
        e.presence().sweep(Runnable::run);
        Session next = open11(e); // the next poll, within the grace
        next.live().join("room:1", "bob", null, null);
        next.keepPresenceUntil(ctx.clock().millis() + 15_000);
        next.close();
        ctx.clock().advance(Duration.ofSeconds(14));
        e.presence().sweep(Runnable::run);
        assertThat(r.seen).as("within the grace").doesNotContain("left " + next.id() + " room:1 bob");
        ctx.clock().advance(Duration.ofSeconds(2));
        e.presence().sweep(Runnable::run);
        e.presence().sweep(Runnable::run);
        assertThat(r.seen).containsExactly(
                "joined " + poll.id() + " room:1 bob",
                "closed " + poll.id(),
                "opened " + next.id() + " local - 10.0.0.1",
                "closed " + next.id(),
                "left " + next.id() + " room:1 bob");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthersOrThePublish() {
        Engine e = engine();
        e.addListener(new RealtimeListener() {
            @Override
            public void published(Message m, ClientPublish client) {
                throw new IllegalStateException("boom");
            }
        });
        Recording r = new Recording();
        e.addListener(r);
        assertThat(e.publish("a", "x").id()).isEqualTo("1");
        assertThat(r.seen).containsExactly("published a 1 \"x\" application");
    }

    @Test
    void connectionIdsAreDistinct() {
        Engine e = engine();
        Session a = e.open(new SessionTest.RecordingOutput(), 1);
        Session b = e.open(new SessionTest.RecordingOutput(), 1);
        assertThat(a.id()).isNotEqualTo(b.id());
    }
}
