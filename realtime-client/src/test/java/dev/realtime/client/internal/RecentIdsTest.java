package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentIdsTest {

    @Test
    void dropsARepeatedIdPerChannel() {
        RecentIds ids = new RecentIds(10);
        assertThat(ids.firstTime("a", "1")).isTrue();
        assertThat(ids.firstTime("a", "2")).isTrue();
        assertThat(ids.firstTime("a", "1")).isFalse();
        // ids are unique only within a channel
        assertThat(ids.firstTime("b", "1")).isTrue();
        assertThat(ids.firstTime("b", "1")).isFalse();
    }

    @Test
    void isBoundedAndForgetsTheOldestFirst() {
        RecentIds ids = new RecentIds(3);
        for (String id : new String[] {"1", "2", "3", "4"}) {
            assertThat(ids.firstTime("a", id)).isTrue();
        }
        assertThat(ids.seen("a", "1")).isFalse();
        assertThat(ids.seen("a", "2")).isTrue();
        assertThat(ids.firstTime("a", "4")).isFalse();
        // a repeat does not refresh or grow the set
        assertThat(ids.firstTime("a", "5")).isTrue();
        assertThat(ids.seen("a", "2")).isFalse();
        assertThat(ids.seen("a", "3")).isTrue();
        assertThat(ids.firstTime("a", "1")).isTrue();
    }

    @Test
    void forgetDropsAChannel() {
        RecentIds ids = new RecentIds(3);
        ids.firstTime("a", "1");
        ids.forget("a");
        assertThat(ids.firstTime("a", "1")).isTrue();
    }
}
