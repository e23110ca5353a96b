package dev.realtime.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Protocol 1.1 in the transport-neutral session: ephemeral messages, wildcard subscriptions with
 * their cursor and resume, presence (joins counted per member, feeds, grace, limits). One test set
 * for all three transports.
 */
class Protocol11SessionTest {
    @RegisterExtension
    final EngineFixture engines = new EngineFixture(100);
    final TestBusContext ctx = engines.ctx;

    Engine engine(Map<String, String> params) {
        return engines.engine(params);
    }

    Session open11(Engine e) {
        return open11(e, ChannelAccess.ALL);
    }

    Session open11(Engine e, ChannelAccess access) {
        Session s = e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE, "local", access);
        s.protocol11();
        return s;
    }

    /** Items as short strings: data of messages ("~" before ephemeral ones), "gap:channel", presence fields. */
    static List<String> items(Session s) {
        List<String> out = new ArrayList<>();
        for (Outbound o : s.drain().items()) {
            if (o instanceof Outbound.Delivery d) {
                out.add((d.message().ephemeral() ? "~" : "") + d.message().channel() + "=" + d.message().data());
            } else if (o instanceof Outbound.Gap g) {
                out.add("gap:" + g.channel());
            } else if (o instanceof Outbound.Presence p) {
                out.add(p.fields().replaceAll(",\"ts\":\\d+", ""));
            } else {
                out.add("control");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- 1.0 stays 1.0

    @Test
    void aOneZeroSessionGetsNoEphemeralMessagesAndNoPatterns() {
        Engine e = engine(Map.of());
        Session old = e.open(new SessionTest.RecordingOutput(), Integer.MAX_VALUE);
        old.subscribeAll(List.of("room:1"), Since.NOW);
        e.publishEphemeral("room:1", "typing", "ann");
        e.publishJson("room:1", null, "1");
        assertThat(items(old)).containsExactly("room:1=1");
        assertThatThrownBy(() -> old.subscribeAll(List.of("room:*"), Since.NOW))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_CHANNEL));
        assertThatThrownBy(old::live)
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_VERSION));
    }

    // ---------------------------------------------------------------- ephemeral messages

    @Test
    void anEphemeralMessageReachesCurrentSubscribersWithoutMovingTheCursorOrEnteringHistory() {
        Engine e = engine(Map.of());
        Session s = open11(e);
        s.subscribeAll(List.of("room:1"), Since.NOW);
        e.publishJson("room:1", null, "1");
        String before = s.cursor();
        e.publishEphemeral("room:1", "typing", "ann");
        List<Outbound> got = s.drain().items();
        assertThat(got).hasSize(2);
        Outbound.Delivery ephemeral = (Outbound.Delivery) got.get(1);
        assertThat(ephemeral.cursor()).isNull();
        assertThat(ephemeral.message().jsonFields()).doesNotContain("\"id\"").contains("\"ephemeral\":true");
        assertThat(s.cursor()).isEqualTo(before);
        assertThat(e.bus().read("room:1", e.bus().epoch(), 0, 10).messages()).hasSize(1);

        Session late = open11(e);
        late.subscribeAll(List.of("room:1"), Since.EARLIEST);
        assertThat(items(late)).as("resume never replays one").containsExactly("room:1=1");
    }

    @Test
    void anEphemeralMessageComesOnceThoughAChannelAndTwoPatternsMatchIt() {
        Engine e = engine(Map.of());
        Session s = open11(e);
        s.subscribeAll(List.of("room:*", "room:1", "room:**"), Since.NOW);
        e.publishEphemeral("room:1", "typing", 1);
        e.publishEphemeral("room:2", "typing", 2);
        e.publishEphemeral("room:2:x", "typing", 3);
        assertThat(items(s)).containsExactly("~room:1=1", "~room:2=2", "~room:2:x=3");
    }

    // ---------------------------------------------------------------- wildcard subscriptions

    @Test
    void aPatternDeliversItsChannelsInOrderAndItsCursorCoversThem() {
        Engine e = engine(Map.of());
        Session s = open11(e);
        s.subscribeAll(List.of("room:*"), Since.NOW);
        e.publishJson("room:1", null, "1");
        e.publishJson("room:1:typing", null, "0");
        e.publishJson("lobby", null, "0");
        e.publishJson("room:2", null, "2");
        e.publishJson("room:1", null, "3");
        assertThat(items(s)).containsExactly("room:1=1", "room:2=2", "room:1=3");
        Cursor cursor = Cursor.decode(s.cursor());
        assertThat(cursor.positionOf("room:1")).isEqualTo(2);
        assertThat(cursor.positionOf("room:2")).isEqualTo(1);
        assertThat(cursor.positionOf("room:*")).as("the pattern's time, in seconds").isPositive();
        assertThat(s.channels()).containsExactly("room:*");
    }

    @Test
    void aPatternResumesCoveredChannelsByPositionAndNewOnesFromTheCursorsTime() {
        Engine e = engine(Map.of());
        e.publishJson("room:old", null, "0"); // long before the cursor: never delivered again
        ctx.clock().advance(Duration.ofMinutes(1));
        Session first = open11(e);
        first.subscribeAll(List.of("room:*"), Since.NOW);
        e.publishJson("room:1", null, "1");
        items(first);
        String cursor = first.cursor();
        first.close();

        ctx.clock().advance(Duration.ofSeconds(30));
        e.publishJson("room:1", null, "2");     // covered: by position
        e.publishJson("room:new", null, "3");   // not covered: after the cursor's time
        e.publishJson("room:old", null, "4");   // not covered: its old message is before the cursor's time

        Session again = open11(e);
        again.subscribeAll(List.of("room:*"), Since.parse(cursor));
        assertThat(items(again)).containsExactlyInAnyOrder("room:1=2", "room:new=3", "room:old=4");
        e.publishJson("room:new", null, "5");
        assertThat(items(again)).containsExactly("room:new=5");
    }

    @Test
    void aPatternCursorOlderThanTheHistoryAgeResumesWithAGapForThePattern() {
        Engine e = engine(Map.of());
        Session first = open11(e);
        first.subscribeAll(List.of("room:*"), Since.NOW);
        String cursor = first.cursor();
        first.close();
        ctx.clock().advance(Duration.ofMinutes(11)); // history age is 10 minutes
        e.publishJson("room:9", null, "9");
        Session again = open11(e);
        again.subscribeAll(List.of("room:*"), Since.parse(cursor));
        assertThat(items(again)).containsExactly("gap:room:*", "room:9=9");
    }

    @Test
    void aPatternCursorOfAnotherEpochResumesWithAGapForThePatternThenEverythingRetained() {
        Engine e = engine(Map.of());
        e.publishJson("room:1", null, "1");
        String foreign = "1~otherEpoch" + Cursor.entryPrefix(Cursor.hash("room:*")) + "0";
        Session s = open11(e);
        s.subscribeAll(List.of("room:*"), Since.parse(foreign));
        assertThat(items(s)).containsExactly("gap:room:*", "room:1=1");
    }

    @Test
    void earliestOnAPatternReplaysEveryMatchingChannel() {
        Engine e = engine(Map.of());
        e.publishJson("room:1", null, "1");
        e.publishJson("room:2", null, "2");
        e.publishJson("room:2:deep", null, "0");
        Session s = open11(e);
        s.subscribeAll(List.of("room:*"), Since.EARLIEST);
        assertThat(items(s)).containsExactlyInAnyOrder("room:1=1", "room:2=2");
    }

    @Test
    void theAuthorizerDecidesPerMatchedChannel() {
        Engine e = engine(Map.of());
        Session s = open11(e, ChannelAccess.of(c -> !c.equals("room:secret"), c -> true));
        s.subscribeAll(List.of("room:*"), Since.NOW);
        e.publishJson("room:secret", null, "\"no\"");
        e.publishEphemeral("room:secret", "typing", "no");
        e.publishJson("room:open", null, "\"yes\"");
        assertThat(items(s)).containsExactly("room:open=\"yes\"");
    }

    @Test
    void aPatternKeepsAtMostMaxChannelsInTheCursorTheLeastRecentLeavingFirst() {
        Engine e = engine(Map.of("realtime.patterns.maxChannels", "2"));
        Session s = open11(e);
        s.subscribeAll(List.of("room:*"), Since.NOW);
        e.publishJson("room:a", null, "1");
        e.publishJson("room:b", null, "2");
        e.publishJson("room:a", null, "3");
        e.publishJson("room:c", null, "4"); // room:b delivered least recently: it leaves the cursor
        assertThat(items(s)).containsExactly("room:a=1", "room:b=2", "room:a=3", "room:c=4");
        Cursor cursor = Cursor.decode(s.cursor());
        assertThat(cursor.positionOf("room:b")).isEqualTo(-1);
        assertThat(cursor.positionOf("room:a")).isEqualTo(2);
        e.publishJson("room:b", null, "5");
        assertThat(items(s)).as("it still arrives").containsExactly("room:b=5");
    }

    @Test
    void unsubscribingAPatternKeepsAChannelSubscribedByName() {
        Engine e = engine(Map.of());
        Session s = open11(e);
        s.subscribeAll(List.of("room:*", "room:1"), Since.NOW);
        e.publishJson("room:1", null, "1");
        e.publishJson("room:2", null, "2");
        assertThat(items(s)).containsExactly("room:1=1", "room:2=2");
        s.unsubscribe("room:*", null);
        e.publishJson("room:1", null, "3");
        e.publishJson("room:2", null, "0");
        assertThat(items(s)).containsExactly("room:1=3");
        assertThat(s.channels()).containsExactly("room:1");
    }

    // ---------------------------------------------------------------- presence

    @Test
    void aMemberWithTwoConnectionsJoinsOnceAndLeavesWithTheLast() {
        Engine e = engine(Map.of());
        Session watcher = open11(e);
        watcher.watchPresence("room:1");
        Session tab1 = open11(e);
        Session tab2 = open11(e);
        assertThat(tab1.live().join("room:1", "ann", null, "{\"nick\":\"Ann\"}")).isEqualTo("ann");
        tab2.live().join("room:1", "ann", null, "{\"nick\":\"Ann\"}");
        tab1.close();
        assertThat(e.members("room:1")).hasSize(1);
        tab2.close();
        assertThat(e.members("room:1")).isEmpty();
        assertThat(items(watcher)).containsExactly(
                "\"channel\":\"room:1\",\"action\":\"sync\",\"members\":[]",
                "\"channel\":\"room:1\",\"action\":\"join\",\"member\":\"ann\",\"info\":{\"nick\":\"Ann\"}",
                "\"channel\":\"room:1\",\"action\":\"leave\",\"member\":\"ann\"");
    }

    @Test
    void aLongPollMemberStaysForItsGraceAndAPollWithinItNeedsNoRejoin() {
        Engine e = engine(Map.of());
        Session watcher = open11(e);
        Session poll = open11(e);
        poll.live().join("room:1", "bob", null, null);
        watcher.watchPresence("room:1");
        poll.keepPresenceUntil(ctx.clock().millis() + 15_000);
        poll.close();
        ctx.clock().advance(Duration.ofSeconds(10));
        e.presence().sweep(Runnable::run);
        assertThat(e.members("room:1")).as("within the grace").hasSize(1);
        Session next = open11(e); // the next poll
        next.live().join("room:1", "bob", null, null);
        next.keepPresenceUntil(ctx.clock().millis() + 15_000);
        next.close();
        ctx.clock().advance(Duration.ofSeconds(16));
        e.presence().sweep(Runnable::run);
        assertThat(e.members("room:1")).isEmpty();
        assertThat(items(watcher)).containsExactly(
                "\"channel\":\"room:1\",\"action\":\"sync\",\"members\":[{\"member\":\"bob\",\"info\":null}]",
                "\"channel\":\"room:1\",\"action\":\"leave\",\"member\":\"bob\"");
    }

    @Test
    void theUsersNameIsTheMemberUnlessTheAuthorizerSaysOtherwise() {
        Engine e = engine(Map.of());
        assertThat(open11(e).live().join("room:1", "someone-else", "ann", null)).isEqualTo("ann");
        ChannelAccess prefixed = new ChannelAccess() {
            public boolean maySubscribe(String channel) {
                return true;
            }

            public boolean mayPublish(String channel) {
                return true;
            }

            public String presenceMember(String channel, String requested, String user) {
                return requested != null && requested.startsWith("admin") ? null : "guest-" + requested;
            }
        };
        assertThat(open11(e, prefixed).live().join("room:1", "zed", null, null)).isEqualTo("guest-zed");
        assertThatThrownBy(() -> open11(e, prefixed).live().join("room:1", "admin", null, null))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void limitsAreAnsweredWithProtocolCodes() {
        Engine e = engine(Map.of("realtime.presence.maxMembers", "1", "realtime.presence.maxInfoSize", "16"));
        Session s = open11(e);
        s.live().join("room:1", "ann", null, null);
        assertThatThrownBy(() -> open11(e).live().join("room:1", "bob", null, null))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.TOO_MANY_MEMBERS));
        assertThatThrownBy(() -> open11(e).live().join("room:2", "bob", null, "\"" + "x".repeat(20) + "\""))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
        assertThatThrownBy(() -> open11(e).live().join("room:2", null, null, null))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_MEMBER));
        assertThatThrownBy(() -> open11(e).live().join("room:2", "a\nb", null, null))
                .isInstanceOfSatisfying(RealtimeException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_MEMBER));
        assertThat(e.presence().size()).as("refused joins hold nothing").isEqualTo(1);
    }

    @Test
    void unsubscribingEndsThePresenceFeedAndWithdrawsItsQueuedEvents() {
        Engine e = engine(Map.of());
        Session s = open11(e);
        s.subscribeAll(List.of("room:1"), Since.NOW);
        s.watchPresence("room:1");
        open11(e).live().join("room:1", "ann", null, null);
        s.unsubscribe("room:1", null);
        open11(e).live().join("room:1", "bob", null, null);
        assertThat(items(s)).isEmpty();
    }
}
