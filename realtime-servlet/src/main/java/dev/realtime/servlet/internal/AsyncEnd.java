package dev.realtime.servlet.internal;

import jakarta.servlet.AsyncContext;

/**
 * What an asynchronous request holds until it is over; completion, timeout and error all end it.
 * The container sees it through an {@link AsyncEndListener}, never as a listener itself.
 */
interface AsyncEnd {

    /** Releases what the request held. May be called more than once. */
    void release();

    /** The container timed the request out; by default it is simply over. */
    default void timedOut(AsyncContext async) {
        release();
    }
}
