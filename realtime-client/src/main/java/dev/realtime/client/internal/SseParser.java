package dev.realtime.client.internal;

/**
 * An incremental {@code text/event-stream} parser following the WHATWG HTML "event stream
 * interpretation" rules: a leading BOM is dropped; lines end with CRLF, LF or CR (also when the
 * CR and LF arrive in different chunks); lines starting with {@code :} are comments; {@code
 * data} lines are joined with LF; {@code id} values containing NUL are ignored; {@code retry}
 * is honoured only when it is all ASCII digits; an empty line dispatches the event; an event
 * with no data is not dispatched, but still sets the last event id; an unterminated event at the
 * end of the stream is discarded.
 *
 * <p>Not thread-safe: feed it from one thread (or with happens-before between calls).
 */
public final class SseParser {

    /** Receives what the parser finds. */
    public interface Handler {
        /**
         * An event was dispatched.
         *
         * @param lastEventId the last event id after this event ({@code ""} if none was ever set)
         * @param type the event type ({@code message} when no {@code event:} line was given)
         * @param data the data lines joined with LF
         */
        void onEvent(String lastEventId, String type, String data);

        /** An empty line ended a block that had no data (an {@code id:}-only block, for example). */
        default void onEmptyDispatch(String lastEventId) {}

        /** A comment line (heartbeat); {@code text} is what follows the colon. */
        default void onComment(String text) {}

        /** A valid {@code retry:} field. */
        default void onRetry(long millis) {}
    }

    private final Handler handler;
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer = "";
    private String lastEventId = "";
    private boolean atStreamStart = true;
    private boolean skipLf;

    public SseParser(Handler handler) {
        this.handler = handler;
    }

    /** Feeds the next chunk of decoded text. */
    public void feed(CharSequence chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (atStreamStart) {
                atStreamStart = false;
                if (c == '\uFEFF') {
                    continue;
                }
            }
            if (skipLf) {
                skipLf = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\r') {
                skipLf = true;
                endOfLine();
            } else if (c == '\n') {
                endOfLine();
            } else {
                line.append(c);
            }
        }
    }

    /** The stream ended: an event that was not terminated by an empty line is discarded. */
    public void end() {
        line.setLength(0);
        data.setLength(0);
        eventType = "";
    }

    /** The last event id set by a dispatch ({@code ""} if none). */
    public String lastEventId() {
        return lastEventId;
    }

    private void endOfLine() {
        String l = line.toString();
        line.setLength(0);
        if (l.isEmpty()) {
            dispatch();
            return;
        }
        if (l.charAt(0) == ':') {
            handler.onComment(l.substring(1));
            return;
        }
        int colon = l.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = l;
            value = "";
        } else {
            field = l.substring(0, colon);
            int start = colon + 1;
            if (start < l.length() && l.charAt(start) == ' ') {
                start++;
            }
            value = l.substring(start);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    try {
                        handler.onRetry(Long.parseLong(value));
                    } catch (NumberFormatException tooLong) {
                        // more digits than a long holds: ignored like any invalid value
                    }
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        lastEventId = lastEventIdBuffer;
        if (data.length() == 0) {
            eventType = "";
            handler.onEmptyDispatch(lastEventId);
            return;
        }
        data.setLength(data.length() - 1); // the trailing LF
        String d = data.toString();
        String type = eventType.isEmpty() ? "message" : eventType;
        data.setLength(0);
        eventType = "";
        handler.onEvent(lastEventId, type, d);
    }
}
