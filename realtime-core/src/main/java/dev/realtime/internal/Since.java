package dev.realtime.internal;

/** Where a subscription starts: now, at the oldest retained message, or after a cursor. */
public sealed interface Since {
    Since NOW = new Now();
    Since EARLIEST = new Earliest();

    record Now() implements Since {
    }

    record Earliest() implements Since {
    }

    record After(Cursor cursor) implements Since {
    }

    /** Parses a {@code since} parameter: absent or empty is now, {@code earliest}, or a cursor. */
    static Since parse(String text) {
        if (text == null || text.isEmpty()) {
            return NOW;
        }
        if (text.equals("earliest")) {
            return EARLIEST;
        }
        return new After(Cursor.decode(text));
    }
}
