package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.internal.SessionTest.RecordingOutput;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Long-poll sessions kept between polls: who gets one back, and when it is let go. */
class ParkedPollsTest {
    @RegisterExtension
    final EngineFixture engines = new EngineFixture(2);
    final TestBusContext ctx = engines.ctx;

    Engine engine(Map<String, String> params) {
        return engines.engine(params);
    }

    /** A poll's session after its answer: parked under the cursor it handed out. */
    static String answerAndPark(Engine e, Session s, String client) {
        String cursor = s.drain().cursor();
        assertThat(e.parkedPolls().park(s, cursor, client, null)).isTrue();
        return cursor;
    }

    @Test
    void theNextPollWithTheCursorTakesTheSessionOverWithEverythingPublishedMeanwhile() {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        s.subscribeAll(List.of("a", "b"), Since.NOW);
        String cursor = answerAndPark(e, s, "10.0.0.1");
        assertThat(e.sessionCount()).as("a parked session is not a connection").isZero();

        for (int i = 1; i <= 5; i++) { // more than the history of 2 holds: only the parked queue has them all
            e.publishJson("a", null, Integer.toString(i));
        }
        RecordingOutput next = new RecordingOutput();
        Session resumed = e.parkedPolls().resume(cursor, List.of("b", "a"), "10.0.0.1", null, ChannelAccess.ALL, next, 1000);
        assertThat(resumed).isSameAs(s);
        assertThat(e.sessionCount()).isEqualTo(1);
        assertThat(SessionTest.data(resumed)).containsExactly("1", "2", "3", "4", "5");
        e.publishJson("b", null, "\"live\"");
        assertThat(next.wakes).as("the new poll is woken, not the parked holder").isEqualTo(1);
    }

    @Test
    void anotherClientOtherChannelsOrAnotherCursorTakeTheFullPath() {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        s.subscribeAll(List.of("a"), Since.NOW);
        String cursor = answerAndPark(e, s, "10.0.0.1|alice");

        ParkedPolls parked = e.parkedPolls();
        assertThat(parked.resume(cursor + "x", List.of("a"), "10.0.0.1|alice", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isNull();
        assertThat(parked.size()).as("an unknown cursor leaves the parked one alone").isEqualTo(1);
        assertThat(parked.resume(cursor, List.of("a"), "10.0.0.1|mallory", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isNull();
        assertThat(s.isClosed()).as("asked for by the wrong client: never handed over, still kept for its own").isFalse();
        assertThat(parked.resume(cursor, List.of("a"), "10.0.0.1|alice", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isSameAs(s);

        Session t = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        t.subscribeAll(List.of("a"), Since.NOW);
        String c2 = answerAndPark(e, t, "10.0.0.1");
        assertThat(parked.resume(c2, List.of("a", "b"), "10.0.0.1", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isNull();

        Session u = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        u.subscribeAll(List.of("a"), Since.NOW);
        String c3 = answerAndPark(e, u, "10.0.0.1");
        ChannelAccess revoked = ChannelAccess.of(c -> false, c -> false);
        assertThat(parked.resume(c3, List.of("a"), "10.0.0.1", null, revoked, new RecordingOutput(), 10))
                .as("the authorizer no longer allows the channel: the full path refuses it").isNull();
        assertThat(parked.size()).isZero();
    }

    /**
     * A session without channels (a presence watch, a join) has the cursor {@code 1~<epoch>}: the same
     * for every such session of the node. A watcher parked with its queued join must not be dropped by
     * another client's poll or park that hands out or brings back that cursor (it would take the full
     * path and see the join only inside a new member list, never as a join).
     */
    @Test
    void clientsWithoutChannelsShareACursorButNeverEachOthersParkedSession() {
        Engine e = engine(Map.of());
        String watcherClient = "10.0.0.1|1.1|[room:1]|[]|null|null";
        String memberClient = "10.0.0.1|1.1|[]|[room:1]|ann|null";
        Session watcher = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        watcher.protocol11();
        watcher.watchPresence("room:1");
        String cursor = answerAndPark(e, watcher, watcherClient);

        Session member = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        member.protocol11();
        member.live().join("room:1", "ann", null, null); // queued in the parked watcher
        ParkedPolls parked = e.parkedPolls();
        assertThat(parked.resume(cursor, List.of(), memberClient, null, ChannelAccess.ALL, new RecordingOutput(), 1000))
                .as("another client's poll with the same cursor").isNull();
        assertThat(watcher.isClosed()).as("the watcher's session is not the member's to drop").isFalse();
        String memberCursor = answerAndPark(e, member, memberClient);
        assertThat(memberCursor).as("no channels, one node: one cursor").isEqualTo(cursor);
        assertThat(watcher.isClosed()).as("parked beside the watcher, not over it").isFalse();

        Session resumed = parked.resume(cursor, List.of(), watcherClient, null, ChannelAccess.ALL, new RecordingOutput(), 1000);
        assertThat(resumed).isSameAs(watcher);
        assertThat(Protocol11SessionTest.items(resumed))
                .containsExactly("\"channel\":\"room:1\",\"action\":\"join\",\"member\":\"ann\",\"info\":null");
        assertThat(parked.resume(cursor, List.of(), memberClient, null, ChannelAccess.ALL, new RecordingOutput(), 1000))
                .isSameAs(member);
    }

    @Test
    void aClientThatDoesNotComeBackIsLetGoAfterTheLingerTime() {
        Engine e = engine(Map.of("realtime.poll.linger", "5s"));
        Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        s.subscribeAll(List.of("a"), Since.NOW);
        String cursor = answerAndPark(e, s, "10.0.0.1");
        ctx.clock().advance(Duration.ofSeconds(4));
        e.parkedPolls().sweep();
        assertThat(e.parkedPolls().size()).isEqualTo(1);
        ctx.clock().advance(Duration.ofSeconds(2));
        e.parkedPolls().sweep();
        assertThat(e.parkedPolls().size()).isZero();
        assertThat(s.isClosed()).isTrue();
        assertThat(e.parkedPolls().resume(cursor, List.of("a"), "10.0.0.1", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isNull();
    }

    @Test
    void aPollPastTheLingerTimeTakesTheFullPathEvenBeforeTheSweep() {
        Engine e = engine(Map.of("realtime.poll.linger", "5s"));
        Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        s.subscribeAll(List.of("a"), Since.NOW);
        String cursor = answerAndPark(e, s, "10.0.0.1");
        ctx.clock().advance(Duration.ofSeconds(6)); // the once-a-second sweep can lag on a busy node
        assertThat(e.parkedPolls().resume(cursor, List.of("a"), "10.0.0.1", null, ChannelAccess.ALL, new RecordingOutput(), 10)).isNull();
        assertThat(s.isClosed()).isTrue();
        assertThat(e.parkedPolls().size()).isZero();
    }

    @Test
    void parkedSessionsGiveBackTheirAddressSlotAndAreBoundedOldestFirst() {
        Engine e = engine(Map.of("realtime.connections.perAddress", "2", "realtime.connections.max", "3"));
        List<Session> sessions = new ArrayList<>();
        List<String> cursors = new ArrayList<>();
        List<String> addresses = List.of("10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.2");
        for (int i = 0; i < 4; i++) { // more than may be parked in all
            Session s = e.open(new RecordingOutput(), 1000, addresses.get(i), ChannelAccess.ALL);
            s.subscribeAll(List.of("c" + i), Since.NOW);
            cursors.add(answerAndPark(e, s, addresses.get(i)));
            sessions.add(s);
            ctx.clock().advance(Duration.ofMillis(10));
        }
        assertThat(e.parkedPolls().size()).isEqualTo(3);
        assertThat(sessions.get(0).isClosed()).as("the oldest was evicted").isTrue();
        assertThat(e.parkedPolls().resume(cursors.get(3), List.of("c3"), "10.0.0.2", null, ChannelAccess.ALL, new RecordingOutput(), 10))
                .isSameAs(sessions.get(3));
        Session third = e.open(new RecordingOutput(), 1000, "10.0.0.2", ChannelAccess.ALL);
        assertThat(third).isNotNull();
        assertThat(e.parkedPolls().resume(cursors.get(2), List.of("c2"), "10.0.0.2", null, ChannelAccess.ALL, new RecordingOutput(), 10))
                .as("a third connection from the address is over its limit").isNull();
        assertThat(e.parkedPolls().resume(cursors.get(1), List.of("c1"), "10.0.0.1", null, ChannelAccess.ALL, new RecordingOutput(), 10))
                .isSameAs(sessions.get(1));
    }

    @Test
    void oneAddressParksNoMoreSessionsThanItMayHoldConnections() {
        Engine e = engine(Map.of("realtime.connections.perAddress", "2"));
        List<String> cursors = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
            s.subscribeAll(List.of("c" + i), Since.NOW);
            cursors.add(answerAndPark(e, s, "10.0.0.1"));
        }
        Session over = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        over.subscribeAll(List.of("c2"), Since.NOW);
        assertThat(e.parkedPolls().park(over, over.drain().cursor(), "10.0.0.1", null)).as("a third one for the address").isFalse();
        Session other = e.open(new RecordingOutput(), 1000, "10.0.0.2", ChannelAccess.ALL);
        other.subscribeAll(List.of("c2"), Since.NOW);
        answerAndPark(e, other, "10.0.0.2");
        assertThat(e.parkedPolls().resume(cursors.get(0), List.of("c0"), "10.0.0.1", null, ChannelAccess.ALL, new RecordingOutput(), 10))
                .isNotNull();
        answerAndPark(e, over, "10.0.0.1"); // one taken over: room for another
        assertThat(e.parkedPolls().size()).isEqualTo(3);
    }

    @Test
    void aSessionStillReplayingIsNotKept() {
        Engine e = engine(Map.of());
        for (int i = 0; i < 5; i++) {
            e.publishJson("a", null, Integer.toString(i));
        }
        Session s = e.open(new RecordingOutput(), 1, "10.0.0.1", ChannelAccess.ALL); // an answer of one message
        s.subscribeAll(List.of("a"), Since.EARLIEST);
        String cursor = s.drain().cursor();
        assertThat(e.parkedPolls().park(s, cursor, "10.0.0.1", null)).as("the rest is for the full path, from the cursor").isFalse();
    }

    @Test
    void shuttingDownClosesParkedSessions() throws Exception {
        Engine e = engine(Map.of());
        Session s = e.open(new RecordingOutput(), 1000, "10.0.0.1", ChannelAccess.ALL);
        s.subscribeAll(List.of("a"), Since.NOW);
        answerAndPark(e, s, "10.0.0.1");
        e.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(e.parkedPolls().size()).isZero();
    }
}
