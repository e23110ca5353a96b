package dev.realtime.client.internal;

import dev.realtime.client.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A channel this client subscribes, with its subscriptions and its catch-up; confined to the {@link Loop}. */
final class ClientChannel {
    final String name;
    final List<SubscriptionHandle> subs = new ArrayList<>();
    /** Its history is being read by a {@link CatchUp}; live messages wait in {@link #buffered}. */
    boolean catchingUp;
    String catchUpSince;
    List<Message> buffered;
    Backoff catchUpBackoff;
    CompletableFuture<?> catchUpRequest;

    ClientChannel(String name) {
        this.name = name;
    }

    void stopCatchUp() {
        catchingUp = false;
        buffered = null;
        if (catchUpRequest != null) {
            catchUpRequest.cancel(true);
            catchUpRequest = null;
        }
    }
}
