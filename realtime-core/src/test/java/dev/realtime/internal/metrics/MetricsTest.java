package dev.realtime.internal.metrics;

import dev.realtime.internal.EngineFixture;
import dev.realtime.ChannelAccess;
import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Since;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The counting hooks in the engine and the session, on the in-memory bus with a clock the test moves. */
class MetricsTest {
    @RegisterExtension
    final EngineFixture engines = new EngineFixture(100);
    final TestBusContext ctx = engines.ctx;

    Engine engine(Map<String, String> params) {
        return engines.engine(params);
    }

    static Session.Output output(Transport transport) {
        return new Session.Output() {
            @Override
            public void wake() {
            }

            @Override
            public void terminate(Session.CloseCause cause) {
            }

            @Override
            public Transport transport() {
                return transport;
            }
        };
    }

    Session open(Engine e, Transport t) {
        return e.open(output(t), Integer.MAX_VALUE, "127.0.0.1", ChannelAccess.ALL);
    }

    @Test
    void connectionsAreCountedPerTransportUntilClosed() {
        Engine e = engine(Map.of());
        Session ws = open(e, Transport.WEBSOCKET);
        Session sse1 = open(e, Transport.SSE);
        open(e, Transport.SSE);
        Metrics m = e.metrics();
        assertThat(m.connections(Transport.WEBSOCKET)).isEqualTo(1);
        assertThat(m.connections(Transport.SSE)).isEqualTo(2);
        assertThat(m.connections(Transport.LONGPOLL)).isZero();
        ws.close();
        ws.close(); // twice: counted once
        sse1.close();
        assertThat(m.connections(Transport.WEBSOCKET)).isZero();
        assertThat(m.connections(Transport.SSE)).isEqualTo(1);
    }

    @Test
    void liveDeliveriesCarryTheirLagAndHistoryDoesNot() {
        Engine e = engine(Map.of());
        e.publishJson("room", "message", "1"); // in history before anyone subscribes
        Session s = open(e, Transport.SSE);
        s.subscribeAll(List.of("room"), Since.EARLIEST);
        ctx.clock().advance(Duration.ofMillis(5));
        e.publishJson("room", "message", "2");
        ctx.clock().advance(Duration.ofMillis(40)); // the transport gets to it 40 ms after publish
        Metrics m = e.metrics();
        List<Outbound> items = s.drain().items();
        assertThat(items).hasSize(2);
        assertThat(((Outbound.Delivery) items.get(0)).live()).as("replayed").isFalse();
        assertThat(((Outbound.Delivery) items.get(1)).live()).as("live").isTrue();
        items.forEach(o -> m.sent(Transport.SSE, o));
        assertThat(m.delivered(Transport.SSE)).isEqualTo(2);
        assertThat(m.lag(Transport.SSE).count()).as("only the live one has a lag").isEqualTo(1);
        assertThat(m.lag(Transport.SSE).percentile(0.5)).isCloseTo(40, org.assertj.core.api.Assertions.within(5.0));
        m.sent(Transport.SSE, new Outbound.Gap("room"));
        m.sent(Transport.SSE, new Outbound.Control("{}"));
        assertThat(m.gaps(Transport.SSE)).isEqualTo(1);
        assertThat(m.delivered(Transport.SSE)).as("control frames are not deliveries").isEqualTo(2);
    }

    @Test
    void publishesAreCountedByOriginAndDuplicatesAreNot() {
        Engine e = engine(Map.of());
        e.publishJson("room", "message", "1");
        e.publishFromClient(new ClientPublish("room", "message", "2", null, "http", "a"), "key-1", ChannelAccess.ALL);
        e.publishFromClient(new ClientPublish("room", "message", "2", null, "http", "a"), "key-1", ChannelAccess.ALL);
        e.publishFromClient(new ClientPublish("room", "message", "3", null, "websocket", "a"), null, ChannelAccess.ALL);
        Metrics m = e.metrics();
        assertThat(m.publishedCount(Origin.APPLICATION)).isEqualTo(1);
        assertThat(m.publishedCount(Origin.HTTP)).as("the repeated idempotency key published nothing").isEqualTo(1);
        assertThat(m.publishedCount(Origin.WEBSOCKET)).isEqualTo(1);
        assertThat(m.busPublish().count()).as("every bus publish is timed").isEqualTo(4);
    }

    @Test
    void dropOldestDropsAndSlowConsumerDisconnectsAreCounted() {
        Engine drop = engine(Map.of("realtime.queue.policy", "drop-oldest", "realtime.queue.maxMessages", "16"));
        Session s = open(drop, Transport.WEBSOCKET);
        s.subscribeAll(List.of("room"), Since.NOW);
        for (int i = 0; i < 20; i++) {
            drop.publishJson("room", "message", Integer.toString(i));
        }
        assertThat(drop.metrics().droppedOldestCount()).isGreaterThanOrEqualTo(4);

        Engine disconnect = engine(Map.of("realtime.queue.maxMessages", "16"));
        Session slow = open(disconnect, Transport.SSE);
        slow.subscribeAll(List.of("room"), Since.NOW);
        for (int i = 0; i < 20; i++) {
            disconnect.publishJson("room", "message", Integer.toString(i));
        }
        assertThat(disconnect.metrics().disconnects(Session.CloseCause.SLOW_CONSUMER)).isEqualTo(1);
        assertThat(disconnect.metrics().connections(Transport.SSE)).isZero();
    }

    @Test
    void subscriptionsAndLiveChannelsAreCountedOverTheSessions() {
        Engine e = engine(Map.of());
        open(e, Transport.WEBSOCKET).subscribeAll(List.of("a", "b"), Since.NOW);
        open(e, Transport.SSE).subscribeAll(List.of("b", "c"), Since.NOW);
        Metrics.Subscriptions s = e.metrics().subscriptions();
        assertThat(s.subscriptions()).isEqualTo(4);
        assertThat(s.channels()).isEqualTo(3);
    }

    @Test
    void switchedOffOnlyConnectionsAreCounted() {
        Engine e = engine(Map.of("realtime.metrics.enabled", "false"));
        Session s = open(e, Transport.LONGPOLL);
        s.subscribeAll(List.of("room"), Since.NOW);
        e.publishJson("room", "message", "1");
        Metrics m = e.metrics();
        s.drain().items().forEach(o -> m.sent(Transport.LONGPOLL, o));
        m.refused(ErrorCode.FORBIDDEN);
        m.wrote(Transport.LONGPOLL, 100);
        assertThat(m.connections(Transport.LONGPOLL)).isEqualTo(1);
        assertThat(m.publishedCount(Origin.APPLICATION)).isZero();
        assertThat(m.delivered(Transport.LONGPOLL)).isZero();
        assertThat(m.refusals(ErrorCode.FORBIDDEN)).isZero();
        assertThat(m.bytesWritten(Transport.LONGPOLL)).isZero();
        assertThat(e.exposure().describe()).isEqualTo("metrics off");
    }

    @Test
    void framesAreCountedInUtf8Bytes() {
        Engine e = engine(Map.of());
        Metrics m = e.metrics();
        String[] texts = {"\"abc\"", "\"é\"", "\"€\"", "\"😀\"", "\"a€😀é\""};
        long expected = 0;
        for (String data : texts) {
            // the same message framed for two subscribers (two cursors), then the next message
            Message message = new Message("room", expected + 1, "message", data, 1L);
            for (String cursor : new String[]{"1~e~x.1", "1~e~y.22"}) {
                Outbound.Delivery d = new Outbound.Delivery(message, cursor, true);
                String frame = "{\"type\":\"message\",\"cursor\":\"" + cursor + "\"," + message.jsonFields() + "}";
                m.wroteFrame(Transport.WEBSOCKET, d, frame);
                expected += frame.getBytes(StandardCharsets.UTF_8).length;
                assertThat(m.bytesWritten(Transport.WEBSOCKET)).as(frame).isEqualTo(expected);
            }
        }
        String error = "{\"type\":\"error\",\"message\":\"kein Kanal für dich 😀\"}";
        m.wroteFrame(Transport.WEBSOCKET, new Outbound.Control(error), error);
        assertThat(m.bytesWritten(Transport.WEBSOCKET)).isEqualTo(expected + error.getBytes(StandardCharsets.UTF_8).length);
    }
}
