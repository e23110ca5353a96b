package dev.realtime.client;

/** This client's join of a channel's presence (protocol 1.1); held across reconnects until {@link #leave()}. */
public interface PresenceMembership {
    String channel();

    void leave();
}
