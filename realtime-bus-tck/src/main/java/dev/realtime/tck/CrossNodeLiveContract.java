package dev.realtime.tck;

import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.PresenceJoin;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility kit for a live bus shared by the nodes of a cluster: two buses made by
 * {@link #createBus} are two nodes of one store, and both see one presence and each other's ephemeral
 * messages. A bus that serves one node only (the in-memory bus) does not run it.
 */
public abstract class CrossNodeLiveContract extends LiveBusFixture {

    @Test
    void aMemberHeldByTwoNodesIsAnnouncedOnceAndLeavesWithTheLast() {
        LiveBus second = newBus().live();
        String ch = unique("presence");
        Recorder<PresenceEvent> onFirst = presenceOf(live, ch);
        Recorder<PresenceEvent> onSecond = presenceOf(second, ch);
        assertThat(live.join(ch, "ann", "1", 10)).isEqualTo(PresenceJoin.JOINED);
        assertThat(second.join(ch, "ann", "1", 10)).isEqualTo(PresenceJoin.UNCHANGED);
        assertThat(second.members(ch)).extracting(PresenceMember::member).containsExactly("ann");
        live.leave(ch, "ann");
        assertThat(second.members(ch)).as("still held by the second node").hasSize(1);
        second.leave(ch, "ann");
        assertThat(live.members(ch)).isEmpty();
        for (Recorder<PresenceEvent> r : List.of(onFirst, onSecond)) {
            assertThat(r.await(2)).extracting(PresenceEvent::action).containsExactly("join", "leave");
            r.assertQuiet();
        }
    }

    @Test
    void anEphemeralMessageCrossesNodes() {
        LiveBus second = newBus().live();
        String ch = unique("typing");
        Recorder<Message> r = new Recorder<>();
        second.listen(ch, ephemeralTo(r));
        live.publish(Message.ephemeral(ch, "typing", "true", 7));
        assertThat(r.await(1).get(0).data()).isEqualTo("true");
    }
}
