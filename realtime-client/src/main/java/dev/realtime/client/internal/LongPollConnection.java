package dev.realtime.client.internal;

import dev.realtime.client.RealtimeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The long-polling transport: one poll at a time for a fixed set of channels; the engine asks for
 * the next poll (with the cursor of the last answer) once it has taken the previous answer in.
 */
final class LongPollConnection implements TransportConnection {

    private final Poller poller;
    private final List<String> channels;
    private final TransportEvents events;
    private volatile boolean closed;
    private volatile boolean opened;
    private volatile CompletableFuture<?> inFlight;

    /** The presence parameters of protocol 1.1, the same for every poll of this connection. */
    private final List<java.util.Map.Entry<String, String>> live;

    LongPollConnection(Poller poller, List<String> channels, TransportEvents events) {
        this(poller, channels, List.of(), events);
    }

    LongPollConnection(Poller poller, List<String> channels, List<java.util.Map.Entry<String, String>> live, TransportEvents events) {
        this.poller = poller;
        this.channels = List.copyOf(channels);
        this.live = List.copyOf(live);
        this.events = events;
    }

    /** Sends the next poll. */
    @Override
    public void pollAgain(String since, long timeoutMillis) {
        if (closed) {
            return;
        }
        CompletableFuture<java.net.http.HttpResponse<String>> request = poller.send(channels, since, timeoutMillis, live);
        inFlight = request;
        request.thenApply(Poller::parse).whenComplete((result, error) -> {
            if (closed) {
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                int status = cause instanceof RealtimeException r ? r.status() : 0;
                // only a first answer of 404/405/501 says long-polling does not exist here
                boolean refused = !opened && (status == 404 || status == 405 || status == 501);
                events.failed(cause, refused);
                return;
            }
            if (!opened) {
                opened = true;
                events.opened();
            }
            result.refused().forEach(r -> events.frameError(null, r.channel(), r.code(), r.message()));
            result.presence().forEach(events::presence);
            events.batch(result.gaps(), result.messages(), result.cursor());
        });
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
    }
}
