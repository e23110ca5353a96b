package dev.realtime.it.support;

import jakarta.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that records every text frame and the close, for black-box tests. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {
    public final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    public final WebSocket socket;

    public WsClient(URI uri) {
        this(uri, null);
    }

    public WsClient(URI uri, String origin) {
        this(uri, origin == null ? java.util.Map.of() : java.util.Map.of("Origin", origin), java.util.List.of());
    }

    /** With handshake headers (e.g. {@code Realtime-Ticket}) and subprotocols offered, most preferred first. */
    public WsClient(URI uri, java.util.Map<String, String> headers, java.util.List<String> subprotocols) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        this.socket = b.buildAsync(uri, this).join();
    }

    public WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** The next frame, failing after 10 s. */
    public JsonObject next() {
        try {
            JsonObject f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return f;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next frame of the given type, skipping nothing: fails if another type comes first. */
    public JsonObject next(String type) {
        JsonObject f = next();
        if (!type.equals(f.getString("type"))) {
            throw new AssertionError("expected a " + type + " frame, got " + f);
        }
        return f;
    }

    /** Frames arriving within the given time. */
    public List<JsonObject> drain(Duration wait) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>();
        long end = System.nanoTime() + wait.toNanos();
        JsonObject f;
        while ((f = frames.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            out.add(f);
        }
        return out;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(Http.json(partial.toString()));
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
