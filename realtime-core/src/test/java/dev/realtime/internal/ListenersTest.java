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
        public void published(Message m, ClientPublish client) {
            seen.add("published " + m.channel() + " " + m.id() + " " + m.data() + " " + (client == null ? "application" : client.transport()));
        }
    }

    Engine engine() {
        MessageBus bus = new MemoryBusProvider().create(ctx);
        engine = new Engine(new Settings(Map.<String, String>of()::get), bus, ctx.clock(), ctx.scheduler(), new SessionTest.DirectExecutor(), false);
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
