package dev.realtime.it.support;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Publishes {"n":i} over HTTP on each channel, i = 0..count-1, {@code gapMillis} apart, on a thread of its own. */
public final class PublishLoop {
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private PublishLoop(Http http, int count, long gapMillis, List<String> channels) {
        thread = new Thread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    for (String channel : channels) {
                        int status = http.publish(channel, "{\"n\":" + i + "}").statusCode();
                        if (status != 202) {
                            throw new AssertionError("publish " + i + " on " + channel + " answered " + status);
                        }
                    }
                    Thread.sleep(gapMillis);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "publish-loop");
        thread.start();
    }

    public static PublishLoop start(Http http, int count, long gapMillis, String... channels) {
        return new PublishLoop(http, count, gapMillis, List.of(channels));
    }

    /** What made a publish fail, or null. */
    public Throwable failure() {
        return failure.get();
    }

    public void join() throws InterruptedException {
        thread.join(30_000);
    }
}
