package dev.realtime.servlet.internal;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

/**
 * The container's view of an {@link AsyncEnd}. Jakarta EE servers treat every {@code AsyncListener}
 * class in a web application as a component that may be injected, and WildFly warns (WFLYEE0007) for
 * one without a public no-argument constructor: this class has one, the transports do not need it.
 */
public final class AsyncEndListener implements AsyncListener {
    private volatile AsyncEnd end;

    public AsyncEndListener() {
    }

    static AsyncListener of(AsyncEnd end) {
        AsyncEndListener l = new AsyncEndListener();
        l.end = end;
        return l;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        AsyncEnd e = end;
        if (e != null) {
            e.release();
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        AsyncEnd e = end;
        if (e != null) {
            e.timedOut(event.getAsyncContext());
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        onComplete(event);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
