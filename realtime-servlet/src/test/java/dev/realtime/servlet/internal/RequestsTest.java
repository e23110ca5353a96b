package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Since;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The query parameters' rules, from the values a request carries. */
class RequestsTest {

    @Test
    void channelsAreValidatedAndRepeatedOnesCountOnce() {
        assertThat(Requests.channels(new String[] {"a", "b", "a"}, true, 2)).containsExactly("a", "b");
        assertThat(Requests.channels((String[]) null, false, 2)).isEmpty();
        assertThat(Requests.channels(new String[0], false, 2)).isEmpty();
    }

    @Test
    void aMissingChannelIsRefusedWhereOneIsRequired() {
        assertCode(() -> Requests.channels((String[]) null, true, 2), ErrorCode.MISSING_CHANNEL);
        assertCode(() -> Requests.channels(new String[0], true, 2), ErrorCode.MISSING_CHANNEL);
        assertCode(() -> Requests.channels(new String[] {""}, true, 2), ErrorCode.MISSING_CHANNEL);
    }

    @Test
    void aBadChannelOrOneTooManyIsRefusedWithItsCode() {
        assertCode(() -> Requests.channels(new String[] {"ok", "not ok"}, true, 5), ErrorCode.INVALID_CHANNEL);
        assertCode(() -> Requests.channels(new String[] {"a", "b", "c"}, true, 2), ErrorCode.TOO_MANY_CHANNELS);
    }

    @Test
    void sinceIsNowEarliestOrACursor() {
        assertThat(Requests.since(null)).isEqualTo(Since.NOW);
        assertThat(Requests.since("")).isEqualTo(Since.NOW);
        assertThat(Requests.since("earliest")).isEqualTo(Since.EARLIEST);
        assertThat(Requests.since("1~k3j5h2g7f1")).isInstanceOf(Since.After.class);
        assertCode(() -> Requests.since("not a cursor"), ErrorCode.INVALID_CURSOR);
    }

    private static void assertCode(Executable call, ErrorCode code) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(RealtimeException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
