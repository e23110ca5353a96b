package dev.realtime.client.internal;

import dev.realtime.client.Message;
import dev.realtime.client.RealtimeException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Catch-up: SSE and long-polling resume a channel whose position differs from the connection's
 * {@code since} with {@code poll?channel=<it>&since=<position>&timeout=0} until an empty answer;
 * meanwhile the live stream's messages for it are held back, then delivered (duplicates dropped),
 * so the listener sees one ordered sequence. Confined to the {@link Loop}.
 */
final class CatchUp {

    private final ClientConfig cfg;
    private final Loop loop;
    private final Poller poller;
    private final ResumeState resume;
    private final ListenerCalls listeners;
    /** Whether the channel is still the engine's (not removed, the client not closed). */
    private final Predicate<ClientChannel> current;
    /** Called when delivering filled the listeners' buffer. */
    private final Runnable onListenersFull;
    private final List<ClientChannel> waitingForDrain = new ArrayList<>();

    CatchUp(ClientConfig cfg, Loop loop, Poller poller, ResumeState resume, ListenerCalls listeners,
            Predicate<ClientChannel> current, Runnable onListenersFull) {
        this.cfg = cfg;
        this.loop = loop;
        this.poller = poller;
        this.resume = resume;
        this.listeners = listeners;
        this.current = current;
        this.onListenersFull = onListenersFull;
    }

    void start(ClientChannel cs, String since) {
        if (cs == null || cs.catchingUp) {
            return;
        }
        cs.catchingUp = true;
        cs.catchUpSince = since;
        cs.buffered = new ArrayList<>();
        cs.catchUpBackoff = new Backoff(cfg.backoffInitial(), cfg.backoffMax());
        run(cs);
    }

    /** The listeners caught up: the catch-ups that waited for them go on. */
    void resumeWaiting() {
        List<ClientChannel> waiting = new ArrayList<>(waitingForDrain);
        waitingForDrain.clear();
        waiting.forEach(this::run);
    }

    private boolean running(ClientChannel cs) {
        return current.test(cs) && cs.catchingUp;
    }

    private void run(ClientChannel cs) {
        if (!running(cs)) {
            return;
        }
        if (listeners.isFull()) {
            waitingForDrain.add(cs);
            return;
        }
        CompletableFuture<HttpResponse<String>> request = poller.send(List.of(cs.name), cs.catchUpSince, 0);
        cs.catchUpRequest = request;
        request.thenApply(Poller::parse).whenComplete((result, error) -> loop.post(() -> onAnswer(cs, result, error)));
    }

    private void onAnswer(ClientChannel cs, Poller.Result result, Throwable error) {
        if (!running(cs)) {
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RealtimeException re && ErrorCodes.INVALID_CURSOR.equals(re.code())) {
                resume.setPosition(cs.name, null);
                listeners.gap(cs);
                finish(cs);
            } else if (cause instanceof RealtimeException re && re.status() >= 400 && re.status() < 500
                    && re.status() != 408 && re.status() != 429) {
                listeners.error(cause);
                finish(cs);
            } else {
                listeners.error(cause);
                loop.later(cs.catchUpBackoff.nextDelayMillis(), () -> run(cs));
            }
            return;
        }
        cs.catchUpBackoff.reset();
        if (!result.gaps().isEmpty()) {
            listeners.gap(cs);
        }
        for (Message m : result.messages()) {
            if (m.channel().equals(cs.name)) {
                listeners.message(cs, m);
            }
        }
        if (result.cursor() != null) {
            cs.catchUpSince = result.cursor();
            resume.setPosition(cs.name, result.cursor());
        }
        if (result.messages().isEmpty()) {
            finish(cs);
        } else {
            run(cs);
        }
    }

    /** Delivers what the live stream held back meanwhile, then the channel is live. */
    private void finish(ClientChannel cs) {
        cs.catchingUp = false;
        List<Message> held = cs.buffered;
        cs.buffered = null;
        cs.catchUpRequest = null;
        if (held != null) {
            held.forEach(m -> listeners.message(cs, m));
        }
        if (listeners.isFull()) {
            onListenersFull.run();
        }
    }
}
