package dev.realtime.tck;

import dev.realtime.Message;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.MessageBus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility kit for a bus that carries wildcard subscriptions (protocol 1.1):
 * {@link MessageBus#subscribe(ChannelPattern, BusListener)}, {@link MessageBus#channelsActiveSince} and
 * ephemeral messages reaching the live bus's pattern listeners. A bus that does not carry them runs
 * {@link RefusesWildcardsContract} instead.
 */
public abstract class WildcardContract extends LiveBusFixture {

    @Test
    void aOneSegmentPatternDeliversItsChannelsMessagesInOrderWithTheirRealChannel() {
        String family = unique("room") + ":";
        Recorder<Message> r = new Recorder<>();
        bus.subscribe(new ChannelPattern(family, false), (BusListener) r::add);
        bus.publish(family + "a", "message", "1", null);
        bus.publish(family + "a:deeper", "message", "\"no\"", null);
        bus.publish("other-" + family + "b", "message", "\"no\"", null);
        bus.publish(family + "b", "message", "2", null);
        bus.publish(family + "a", "message", "3", null);
        List<Message> got = r.await(3);
        assertThat(got).extracting(Message::channel).containsExactly(family + "a", family + "b", family + "a");
        assertThat(got).extracting(Message::data).containsExactly("1", "2", "3");
        r.assertQuiet();
    }

    @Test
    void aMultiSegmentPatternAlsoDeliversDeeperChannels() {
        String family = unique("room") + ":";
        Recorder<Message> r = new Recorder<>();
        BusSubscription s = bus.subscribe(new ChannelPattern(family, true), (BusListener) r::add);
        bus.publish(family + "a", "message", "1", null);
        bus.publish(family + "a:typing", "message", "2", null);
        assertThat(r.await(2)).extracting(Message::channel).containsExactly(family + "a", family + "a:typing");
        s.close();
        bus.publish(family + "a", "message", "3", null);
        r.assertQuiet();
    }

    @Test
    void channelsActiveSinceListsMatchingChannelsWithNewerMessages() {
        String family = unique("room") + ":";
        bus.publish(family + "old", "message", "1", null);
        context.clock().advance(Duration.ofSeconds(5));
        long since = context.clock().millis();
        bus.publish(family + "new", "message", "2", null);
        bus.publish(family + "new:deep", "message", "3", null);
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, false), since, 10)).containsExactly(family + "new");
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, true), since, 10))
                .containsExactlyInAnyOrder(family + "new", family + "new:deep");
        assertThat(bus.channelsActiveSince(new ChannelPattern(family, true), since - 10_000, 1)).as("limit + 1 at most").hasSize(2);
    }

    @Test
    void anEphemeralMessageReachesMatchingPatterns() {
        String family = unique("room") + ":";
        Recorder<Message> pattern = new Recorder<>();
        live.listen(new ChannelPattern(family, false), ephemeralTo(pattern));
        live.publish(Message.ephemeral("other-" + family + "a", "typing", "\"no\"", 41));
        live.publish(Message.ephemeral(family + "a", "typing", "{\"user\":\"ann\"}", 42));
        Message m = pattern.await(1).get(0);
        assertThat(m.channel()).isEqualTo(family + "a");
        assertThat(m.ephemeral()).isTrue();
        assertThat(m.data()).isEqualTo("{\"user\":\"ann\"}");
        pattern.assertQuiet();
    }
}
