package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.realtime.it.support.Http.enc;

/** A {@link Subscriber} over WebSocket; it asks the socket for one frame at a time, so pausing stops the reads. */
final class WsSubscriber extends Subscriber {
    private static final Object CLOSED = new Object();
    private final HttpClient client = HttpClient.newHttpClient();
    /** Frames that are neither messages, gaps nor the subscription's confirmation: none is expected. */
    final List<String> unexpected = new CopyOnWriteArrayList<>();
    private volatile WebSocket socket;

    /** Silence after which the subscriber pings, and then gives the connection up (only while it reads). */
    private static final Duration SILENCE = Duration.ofSeconds(3);

    WsSubscriber(String name, String channel, String cursor, List<URL> nodes) {
        super(name, channel, cursor, nodes);
    }

    @Override
    void connection(URL node, String cursor) throws Exception {
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        URI uri = URI.create(node.toString().replaceFirst("^http", "ws") + "realtime/ws?channel=" + enc(channel)
                + "&since=" + enc(cursor));
        WebSocket ws;
        try {
            ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new Inbox(inbox))
                    .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new NodeUnreachable(uri + ": " + e, e);
        }
        socket = ws;
        long heard = System.nanoTime();
        long pinged = 0;
        try {
            while (!isClosed()) {
                Object item = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (item == null) {
                    // a node killed while this subscriber was not reading may never show its end to a reader
                    // that asks for frames again (the JDK's WebSocket reads only on demand): ping, as the
                    // library's clients do, and give the connection up when nothing answers
                    long silent = System.nanoTime() - heard;
                    if (pinged == 0 && silent > SILENCE.toNanos()) {
                        pinged = System.nanoTime();
                        ws.sendText("{\"type\":\"ping\"}", true);
                    } else if (pinged != 0 && System.nanoTime() - pinged > SILENCE.toNanos()) {
                        throw new NodeUnreachable(uri + ": no answer to a ping within " + SILENCE.toMillis() + " ms", null);
                    }
                    continue;
                }
                heard = System.nanoTime();
                pinged = 0;
                if (item == CLOSED) {
                    return;
                }
                if (item instanceof Throwable t) {
                    throw new IllegalStateException("WebSocket failed", t);
                }
                JsonObject f = Http.json((String) item);
                switch (f.getString("type")) {
                    case "subscribed" -> cursor(f.getString("cursor"));
                    case "message" -> message(f, f.getString("cursor"));
                    case "gap" -> gap();
                    case "pong" -> {
                        // the connection is alive
                    }
                    default -> unexpected.add(f.toString());
                }
                awaitReading();
                ws.request(1);
            }
        } finally {
            ws.abort();
        }
    }

    @Override
    void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    /** Collects whole text frames; asks for the next one only when the subscriber's thread has taken this one. */
    private static final class Inbox implements WebSocket.Listener {
        private final BlockingQueue<Object> inbox;
        private final StringBuilder partial = new StringBuilder();

        Inbox(BlockingQueue<Object> inbox) {
            this.inbox = inbox;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                inbox.add(partial.toString());
                partial.setLength(0);
            } else {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            inbox.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            inbox.add(error);
        }
    }
}
