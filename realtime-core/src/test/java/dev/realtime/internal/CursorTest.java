package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorTest {

    @Test
    void positionsAreWrittenInBase36LikeLongToString() {
        long[] samples = {0, 1, 35, 36, 37, 1295, 1296, 123_456_789, Long.MAX_VALUE / 36, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long p : samples) {
            StringBuilder b = new StringBuilder("x");
            Cursor.appendPosition(b, p);
            assertThat(b.toString()).as("position %d", p).isEqualTo("x" + Long.toString(p, 36));
        }
    }

    @Test
    void aPositionIsRewrittenInPlaceOnlyWhenItHasTheSlotsDigitCount() {
        char[] text = "x~zz~y".toCharArray();
        assertThat(Cursor.rewritePosition(text, 2, 2, 36)).isTrue();
        assertThat(new String(text)).isEqualTo("x~10~y");
        assertThat(Cursor.rewritePosition(text.clone(), 2, 2, 35)).as("one digit for a two-digit slot").isFalse();
        assertThat(Cursor.rewritePosition(text.clone(), 2, 2, 1296)).as("three digits for a two-digit slot").isFalse();
        char[] single = "a".toCharArray();
        assertThat(Cursor.rewritePosition(single, 0, 1, 0)).isTrue();
        assertThat(new String(single)).isEqualTo("0");
    }

    @Test
    void entryPrefixIsTheEncodedEntryWithoutItsPosition() {
        long hash = Cursor.hash("room:42");
        String encoded = new Cursor("e1", Map.of(hash, 99L)).encode();
        assertThat(encoded).isEqualTo("1~e1" + Cursor.entryPrefix(hash) + Long.toString(99, 36));
    }

    @Test
    void roundTripsEpochAndPositions() {
        Map<Long, Long> positions = new LinkedHashMap<>();
        positions.put(Cursor.hash("room:42"), 17L);
        positions.put(Cursor.hash("a"), 0L);
        positions.put(Cursor.hash("big"), Long.MAX_VALUE);
        Cursor c = new Cursor("abc123", positions);
        Cursor back = Cursor.decode(c.encode());
        assertThat(back.epoch()).isEqualTo("abc123");
        assertThat(back.positionOf("room:42")).isEqualTo(17);
        assertThat(back.positionOf("a")).isZero();
        assertThat(back.positionOf("big")).isEqualTo(Long.MAX_VALUE);
        assertThat(back.positionOf("other")).as("not covered").isEqualTo(-1);
    }

    @Test
    void isUrlSafeAndUnder4KiBForSixtyFourLongChannelNames() {
        Map<Long, Long> positions = new LinkedHashMap<>();
        for (int i = 0; i < 64; i++) {
            positions.put(Cursor.hash("c".repeat(120) + i), 1_000_000_000L + i);
        }
        String text = new Cursor("zzzzzzzzzzzzzzzz", positions).encode();
        assertThat(text).matches("[A-Za-z0-9_.~:-]+");
        assertThat(text.length()).isLessThan(4096);
        assertThat(Cursor.decode(text).positions()).hasSize(64);
    }

    @Test
    void hashIsStableAcrossRuns() {
        // FNV-1a 64 of "a": cursors must mean the same on every node and after every restart
        assertThat(Cursor.hash("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    }

    @Test
    void refusesWhatItDidNotWrite() {
        for (String bad : new String[]{"", "x", "2~abc", "1~", "1~ab!c", "1~abc~short", "1~abc~AAAAAAAAAAA.", "1~abc~AAAAAAAAAAA.-1",
                "1~abc~AAAAAAAAAAA.zzzzzzzzzzzzzzzzzzzz", "1~abc~/AAAAAAAAAA.1", "1~" + "a".repeat(5000)}) {
            assertThatThrownBy(() -> Cursor.decode(bad), bad)
                    .isInstanceOf(RealtimeException.class)
                    .extracting(e -> ((RealtimeException) e).code()).isEqualTo(ErrorCode.INVALID_CURSOR);
        }
    }

    @Test
    void sinceParsesNowEarliestAndCursors() {
        assertThat(Since.parse(null)).isEqualTo(Since.NOW);
        assertThat(Since.parse("")).isEqualTo(Since.NOW);
        assertThat(Since.parse("earliest")).isEqualTo(Since.EARLIEST);
        assertThat(Since.parse("1~abc")).isInstanceOf(Since.After.class);
    }
}
