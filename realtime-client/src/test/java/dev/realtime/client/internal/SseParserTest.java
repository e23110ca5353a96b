package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** Records everything the parser reports, as strings. */
    static final class Recorder implements SseParser.Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void onEvent(String lastEventId, String type, String data) {
            seen.add("event id=" + lastEventId + " type=" + type + " data=" + data);
        }

        @Override
        public void onEmptyDispatch(String lastEventId) {
            seen.add("empty id=" + lastEventId);
        }

        @Override
        public void onComment(String text) {
            seen.add("comment" + text);
        }

        @Override
        public void onRetry(long millis) {
            seen.add("retry " + millis);
        }
    }

    private final Recorder rec = new Recorder();
    private final SseParser parser = new SseParser(rec);

    @Test
    void parsesTheServersFraming() {
        parser.feed("retry: 3000\n\n"
                + "id: c1\ndata: {\"channel\":\"a\",\"id\":\"1\"}\n\n"
                + "id: c2\nevent: chat\ndata: {\"channel\":\"a\",\"id\":\"2\"}\n\n"
                + "event: gap\ndata: {\"channel\":\"a\"}\n\n"
                + ": heartbeat\n\n");
        assertThat(rec.seen).containsExactly(
                "retry 3000",
                "empty id=",
                "event id=c1 type=message data={\"channel\":\"a\",\"id\":\"1\"}",
                "event id=c2 type=chat data={\"channel\":\"a\",\"id\":\"2\"}",
                "event id=c2 type=gap data={\"channel\":\"a\"}",
                "comment heartbeat",
                "empty id=c2");
        assertThat(parser.lastEventId()).isEqualTo("c2");
    }

    @Test
    void joinsMultiLineDataWithLineFeeds() {
        parser.feed("data: first\ndata:second\ndata\ndata:  two spaces\n\n");
        assertThat(rec.seen).containsExactly("event id= type=message data=first\nsecond\n\n two spaces");
    }

    @Test
    void acceptsCrLfCrAndLfLineEndingsEvenSplitAcrossChunks() {
        parser.feed("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r");
        parser.feed("\n\r");
        parser.feed("\n");
        assertThat(rec.seen).containsExactly(
                "event id= type=message data=a",
                "event id= type=message data=b",
                "event id= type=message data=c",
                "event id= type=message data=d");
    }

    @Test
    void aCrAtTheEndOfAChunkFollowedByCrIsTwoLineEnds() {
        parser.feed("data: x\r");
        parser.feed("\rdata: y\n\n");
        assertThat(rec.seen).containsExactly("event id= type=message data=x", "event id= type=message data=y");
    }

    @Test
    void feedsCharacterByCharacter() {
        String text = "id: 7\nevent: e\ndata: {\"k\":1}\n\n";
        for (char c : text.toCharArray()) {
            parser.feed(String.valueOf(c));
        }
        assertThat(rec.seen).containsExactly("event id=7 type=e data={\"k\":1}");
    }

    @Test
    void dropsOneLeadingBomOnly() {
        parser.feed("\uFEFFdata: x\n\n\uFEFFdata: y\n\n");
        // the second BOM is part of a field name "\uFEFFdata", which is unknown and ignored
        assertThat(rec.seen).containsExactly("event id= type=message data=x", "empty id=");
    }

    @Test
    void aBomSplitFromTheRestIsStillDropped() {
        parser.feed("\uFEFF");
        parser.feed("data: x\n\n");
        assertThat(rec.seen).containsExactly("event id= type=message data=x");
    }

    @Test
    void idPersistsAcrossEventsAndAnEmptyIdResetsIt() {
        parser.feed("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
        assertThat(rec.seen).containsExactly(
                "event id=1 type=message data=a",
                "event id=1 type=message data=b",
                "event id= type=message data=c");
    }

    @Test
    void ignoresAnIdContainingNul() {
        parser.feed("id: 1\ndata: a\n\nid: 2\u00003\ndata: b\n\n");
        assertThat(rec.seen).containsExactly("event id=1 type=message data=a", "event id=1 type=message data=b");
    }

    @Test
    void anIdOnlyBlockSetsTheLastEventIdWithoutDispatching() {
        parser.feed("id: cursor-9\n\n");
        assertThat(rec.seen).containsExactly("empty id=cursor-9");
        assertThat(parser.lastEventId()).isEqualTo("cursor-9");
    }

    @Test
    void retryMustBeAllDigits() {
        parser.feed("retry: 12a\nretry: -5\nretry:\nretry: 250\nretry:  7\n\n");
        assertThat(rec.seen).containsExactly("retry 250", "empty id=");
    }

    @Test
    void eventTypeIsResetAfterEachDispatchAndUnknownFieldsIgnored() {
        parser.feed("event: first\nfoo: bar\ndata: 1\n\ndata: 2\n\nevent: dropped\n\ndata: 3\n\n");
        assertThat(rec.seen).containsExactly(
                "event id= type=first data=1",
                "event id= type=message data=2",
                "empty id=",
                "event id= type=message data=3");
    }

    @Test
    void aFieldWithoutColonHasAnEmptyValueAndOnlyOneSpaceIsStripped() {
        parser.feed("data\ndata\n\ndata:   x\n\n");
        assertThat(rec.seen).containsExactly("event id= type=message data=\n", "event id= type=message data=  x");
    }

    @Test
    void anUnterminatedEventAtTheEndOfTheStreamIsDiscarded() {
        parser.feed("data: complete\n\ndata: partial\n");
        parser.end();
        parser.feed("\n");
        assertThat(rec.seen).containsExactly("event id= type=message data=complete", "empty id=");
    }

    @Test
    void commentsMayBeEmptyAndDoNotDispatch() {
        parser.feed(":\n: ping\ndata: x\n:inside\n\n");
        assertThat(rec.seen).containsExactly("comment", "comment ping", "comment" + "inside",
                "event id= type=message data=x");
    }
}
