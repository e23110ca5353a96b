package dev.realtime.client.internal;

import dev.realtime.client.RealtimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The {@code {base}/ws} transport on the JDK WebSocket client. */
final class WebSocketConnection implements TransportConnection, WebSocket.Listener {

    /** The server's close code for a credential that expired unrefreshed (version 1.1). */
    static final int CREDENTIAL_EXPIRED_CLOSE = 4401;
    private final TransportEvents events;
    private final StringBuilder text = new StringBuilder();
    private volatile WebSocket socket;
    private volatile boolean closed;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);

    private WebSocketConnection(TransportEvents events) {
        this.events = events;
    }

    static WebSocketConnection open(HttpClient http, URI base, Map<String, String> headers,
            Duration connectTimeout, TransportEvents events) {
        WebSocketConnection c = new WebSocketConnection(events);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(b::header);
        b.buildAsync(Http.webSocketUri(base), c).whenComplete((ws, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                c.events.failed(describe(cause), refused(cause));
            } else if (c.closed) {
                ws.abort();
            } else {
                c.socket = ws;
                c.events.opened();
            }
        });
        return c;
    }

    private static Throwable describe(Throwable cause) {
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            Object body = h.getResponse().body();
            return Http.error(status, body instanceof String s ? s : null);
        }
        return cause;
    }

    /**
     * A handshake answered with anything but 101 shows the server (or a proxy) does not do
     * WebSocket there, except for answers that would be the same on every transport.
     */
    private static boolean refused(Throwable cause) {
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            return status != 401 && status != 403 && status != 429 && status != 503;
        }
        return false;
    }

    @Override
    public boolean changesChannelsInPlace() {
        return true;
    }

    @Override
    public void addChannel(String channel, String since) {
        send(Frames.subscribe(channel, since));
    }

    @Override
    public void removeChannel(String channel) {
        send(Frames.unsubscribe(channel));
    }

    @Override
    public boolean sendFrame(String frame) {
        if (socket == null || closed) {
            return false;
        }
        send(frame);
        return true;
    }

    @Override
    public boolean publish(String ref, String channel, String event, String idempotencyKey, String json) {
        if (socket == null || closed) {
            return false;
        }
        send(Frames.publish(ref, channel, event, idempotencyKey, json));
        return true;
    }

    @Override
    public void refresh(String ticket) {
        send(Frames.auth(ticket));
    }

    @Override
    public void ping() {
        send(Frames.ping());
    }

    /** Sends a text frame; frames are queued so that sends never overlap. */
    private synchronized void send(String frame) {
        WebSocket ws = socket;
        if (ws == null || closed) {
            return;
        }
        sendChain = sendChain.handle((r, e) -> null)
                .thenCompose(ignored -> ws.sendText(frame, true))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        events.failed(e, false);
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
                    .orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((r, e) -> ws.abort());
        } else if (ws != null) {
            ws.abort();
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            String frame = text.toString();
            text.setLength(0);
            handle(frame);
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String frame) {
        events.activity();
        ServerFrames.dispatch(frame, events);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        events.activity();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.activity();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (statusCode == CREDENTIAL_EXPIRED_CLOSE) {
            events.failed(new RealtimeException(401, ErrorCodes.CREDENTIAL_EXPIRED, "the server closed the WebSocket: " + reason), false);
            return null;
        }
        events.failed(new RealtimeException(0, ErrorCodes.CLOSED,
                "WebSocket closed by the server: " + statusCode + (reason.isEmpty() ? "" : " " + reason)),
                false);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.failed(error, false);
    }
}
