package dev.realtime.spi;

/** What a {@link LiveBus#join} did. */
public enum PresenceJoin {
    /** The member was not present anywhere: it is now, and a join was announced. */
    JOINED,
    /** The member was present with other info: the info was replaced and an update announced. */
    UPDATED,
    /** The member was present with this info already: nothing announced. */
    UNCHANGED,
    /** The channel holds its maximum of members: nothing changed. */
    FULL
}
