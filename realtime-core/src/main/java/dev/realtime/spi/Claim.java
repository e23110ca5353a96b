package dev.realtime.spi;

/** The answer of {@link MessageBus#claimOnce}. */
public enum Claim {
    /** This call claimed the key: no node sharing the bus claimed it before. */
    CLAIMED,
    /** The key was claimed before, on this node or another. */
    ALREADY_CLAIMED,
    /** The bus keeps no claims; the engine keeps them itself, in this node's memory. */
    NOT_SHARED
}
