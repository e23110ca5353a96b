package dev.realtime.servlet.internal;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/** An {@link AsyncListener} for which completion, timeout and error all mean the same: the request is over. */
interface AsyncEnd extends AsyncListener {

    /** Releases what the request held. May be called more than once. */
    void release();

    @Override
    default void onComplete(AsyncEvent event) {
        release();
    }

    @Override
    default void onTimeout(AsyncEvent event) {
        release();
    }

    @Override
    default void onError(AsyncEvent event) {
        release();
    }

    @Override
    default void onStartAsync(AsyncEvent event) {
    }
}
