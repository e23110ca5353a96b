package dev.realtime.client;

import java.util.Objects;

/** Where a new subscription starts. */
public final class StartPosition {

    private static final StartPosition NOW = new StartPosition(null);
    private static final StartPosition EARLIEST = new StartPosition("earliest");

    private final String since;

    private StartPosition(String since) {
        this.since = since;
    }

    /** Only messages published after the subscription is live (the default). */
    public static StartPosition now() {
        return NOW;
    }

    /** All history the server still holds ({@code since=earliest}); never reports a gap. */
    public static StartPosition earliest() {
        return EARLIEST;
    }

    /**
     * Every message after {@code cursor}, for example one obtained earlier from {@link
     * RealtimeClient#cursor()} or from another client, on any transport.
     */
    public static StartPosition after(String cursor) {
        Objects.requireNonNull(cursor, "cursor");
        if (cursor.isEmpty() || cursor.equals("earliest")) {
            throw new IllegalArgumentException("not a cursor: '" + cursor + "'");
        }
        return new StartPosition(cursor);
    }

    /** The value of the protocol's {@code since} parameter, {@code null} for {@link #now()}. */
    public String since() {
        return since;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartPosition p && Objects.equals(since, p.since);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(since);
    }

    @Override
    public String toString() {
        return since == null ? "now" : since;
    }
}
