package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeStateTest {

    private final ResumeState state = new ResumeState();

    @Test
    void newChannelsStartAtNowAndNeedNoCatchUp() {
        state.track("a", null);
        state.track("b", null);
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of());
        assertThat(plan.since()).isNull();
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void aCursorBecomesThePositionOfEveryCoveredChannelOnly() {
        state.track("a", null);
        state.track("b", null);
        state.onCursor("c1", List.of("a"));
        assertThat(state.position("a")).isEqualTo("c1");
        assertThat(state.position("b")).isNull();
        state.onCursor("c2", List.of("a", "b"));
        assertThat(state.position("a")).isEqualTo("c2");
        assertThat(state.position("b")).isEqualTo("c2");
        assertThat(state.latestCursor()).isEqualTo("c2");
    }

    @Test
    void resumesFromTheSharedCursorAfterAReconnect() {
        state.track("a", null);
        state.track("b", null);
        state.onCursor("c1", List.of("a", "b"));
        state.onCursor("c2", List.of("a", "b"));
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of());
        assertThat(plan.since()).isEqualTo("c2");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void aChannelAddedLaterJoinsAtNowWithoutDisturbingTheOthers() {
        state.track("a", null);
        state.onCursor("c1", List.of("a"));
        state.track("b", null);
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of());
        assertThat(plan.since()).isEqualTo("c1");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void aChannelWithItsOwnStartIsCaughtUpSeparately() {
        state.track("a", null);
        state.onCursor("c1", List.of("a"));
        state.track("b", "earliest");
        state.track("c", "other-cursor");
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b", "c"), Set.of());
        assertThat(plan.since()).isEqualTo("c1");
        assertThat(plan.catchUps()).containsExactly(Map.entry("b", "earliest"), Map.entry("c", "other-cursor"));
    }

    @Test
    void earliestIsSentDirectlyWhenEveryChannelStartsThere() {
        state.track("a", "earliest");
        state.track("b", "earliest");
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of());
        assertThat(plan.since()).isEqualTo("earliest");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void aSingleChannelWithAGivenCursorResumesDirectly() {
        state.track("a", "from-elsewhere");
        ResumeState.HttpPlan plan = state.planHttp(List.of("a"), Set.of());
        assertThat(plan.since()).isEqualTo("from-elsewhere");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void theCursorMostChannelsShareWinsAndTiesGoToTheNewest() {
        state.track("a", null);
        state.track("b", null);
        state.track("c", null);
        state.onCursor("old", List.of("a", "b", "c"));
        state.onCursor("new", List.of("c"));
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b", "c"), Set.of());
        assertThat(plan.since()).isEqualTo("old");
        assertThat(plan.catchUps()).containsExactly(Map.entry("c", "new"));

        ResumeState tie = new ResumeState();
        tie.track("a", null);
        tie.track("b", null);
        tie.onCursor("first", List.of("a", "b"));
        tie.onCursor("second", List.of("b"));
        assertThat(tie.planHttp(List.of("a", "b"), Set.of()).since()).isEqualTo("second");
    }

    @Test
    void channelsAlreadyCatchingUpAreNeitherCountedNorListedAgain() {
        state.track("a", null);
        state.onCursor("c1", List.of("a"));
        state.track("b", "earliest");
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of("b"));
        assertThat(plan.since()).isEqualTo("c1");
        assertThat(plan.catchUps()).isEmpty();
        // a catch-up advances its channel's own position
        state.setPosition("b", "b-cursor");
        plan = state.planHttp(List.of("a", "b"), Set.of("b"));
        assertThat(plan.since()).isEqualTo("c1");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void afterACatchUpTheLiveStreamsCursorsCoverTheChannelAgain() {
        state.track("a", null);
        state.track("b", "earliest");
        state.onCursor("c1", List.of("a"));
        state.setPosition("b", "b-end");
        state.onCursor("c2", List.of("a", "b"));
        ResumeState.HttpPlan plan = state.planHttp(List.of("a", "b"), Set.of());
        assertThat(plan.since()).isEqualTo("c2");
        assertThat(plan.catchUps()).isEmpty();
    }

    @Test
    void untrackedChannelsAreIgnored() {
        state.track("a", null);
        state.onCursor("c1", List.of("a", "gone"));
        assertThat(state.tracks("gone")).isFalse();
        state.setPosition("gone", "x");
        assertThat(state.tracks("gone")).isFalse();
        state.untrack("a");
        assertThat(state.channels()).isEmpty();
    }

    @Test
    void anEmptyOrMissingCursorChangesNothing() {
        state.track("a", "earliest");
        state.onCursor(null, List.of("a"));
        state.onCursor("", List.of("a"));
        assertThat(state.position("a")).isEqualTo("earliest");
        assertThat(state.latestCursor()).isNull();
    }
}
