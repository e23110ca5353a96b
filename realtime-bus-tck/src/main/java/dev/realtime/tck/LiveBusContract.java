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
 * The compatibility kit for what every {@link LiveBus} does (protocol 1.1), on one node: ephemeral
 * messages to the listeners of their channel, never stored, and presence (join, update, leave, members,
 * a full channel). A bus runs it with the contracts for what else it offers: {@link WildcardContract} or
 * {@link RefusesWildcardsContract}, and {@link CrossNodeLiveContract} when its nodes share a store.
 */
public abstract class LiveBusContract extends LiveBusFixture {

    // ---------------------------------------------------------------- ephemeral messages

    @Test
    void anEphemeralMessageReachesTheListenersOfItsChannel() {
        String family = unique("room") + ":";
        Recorder<Message> channel = new Recorder<>();
        Recorder<Message> other = new Recorder<>();
        live.listen(family + "a", ephemeralTo(channel));
        live.listen(family + "b", ephemeralTo(other));
        live.publish(Message.ephemeral(family + "a", "typing", "{\"user\":\"ann\"}", 42));
        Message m = channel.await(1).get(0);
        assertThat(m.ephemeral()).isTrue();
        assertThat(m.id()).isNull();
        assertThat(m.event()).isEqualTo("typing");
        assertThat(m.data()).isEqualTo("{\"user\":\"ann\"}");
        assertThat(m.timestamp()).isEqualTo(42);
        other.assertQuiet();
        assertThat(bus.read(family + "a", bus.epoch(), 0, 10).messages()).as("never stored").isEmpty();
    }

    // ---------------------------------------------------------------- presence

    @Test
    void aJoinIsAnnouncedOnceAnInfoChangeAsUpdateAndTheLeaveOnce() {
        String ch = unique("presence");
        Recorder<PresenceEvent> r = presenceOf(live, ch);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Ann\"}", 10)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Ann\"}", 10)).isEqualTo(PresenceJoin.UNCHANGED);
        assertThat(live.join(ch, "ann", "{\"nick\":\"Annie\"}", 10)).isEqualTo(PresenceJoin.UPDATED);
        live.leave(ch, "ann");
        live.leave(ch, "ann");
        List<PresenceEvent> events = r.await(3);
        assertThat(events).extracting(PresenceEvent::action).containsExactly("join", "update", "leave");
        assertThat(events).extracting(PresenceEvent::member).containsOnly("ann");
        assertThat(events.get(1).info()).isEqualTo("{\"nick\":\"Annie\"}");
        assertThat(events.get(2).info()).isNull();
        r.assertQuiet();
    }

    @Test
    void membersListsEveryPresentMemberWithItsInfo() {
        String ch = unique("presence");
        live.join(ch, "ann", "1", 10);
        live.join(ch, "bob", "{\"b\":true}", 10);
        live.join(ch, "cy", "null", 10);
        live.leave(ch, "cy");
        assertThat(live.members(ch)).extracting(PresenceMember::member).containsExactlyInAnyOrder("ann", "bob");
        assertThat(live.members(ch)).filteredOn(m -> m.member().equals("bob")).extracting(PresenceMember::info).containsExactly("{\"b\":true}");
        assertThat(live.members(unique("empty"))).isEmpty();
    }

    @Test
    void aFullChannelRefusesNewMembersButNotPresentOnes() {
        String ch = unique("presence");
        assertThat(live.join(ch, "a", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "b", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.join(ch, "c", "1", 2)).isEqualTo(PresenceJoin.FULL);
        assertThat(live.join(ch, "b", "2", 2)).as("a present member may change its info").isEqualTo(PresenceJoin.UPDATED);
        live.leave(ch, "a");
        assertThat(live.join(ch, "c", "1", 2)).isEqualTo(PresenceJoin.JOINED);
        assertThat(live.members(ch)).extracting(PresenceMember::member).containsExactlyInAnyOrder("b", "c");
    }
}
