package dev.realtime.client.internal;

/** An open (or opening) transport connection. */
interface TransportConnection {

    /** Closes the connection; no further events are acted upon. Idempotent. */
    void close();
}
