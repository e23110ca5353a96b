package dev.realtime.containers;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The three transports and HTTP publishing, spoken from outside with the JDK's clients only. */
final class Wire {
    static final Duration WAIT = Duration.ofSeconds(10);
    final URI base;
    /** The application's context path, {@code ""} at the root. */
    final String context;
    /**
     * HTTP/1.1, as browsers speak over http:// and as the library's Java client does. The JDK's default
     * would try a cleartext HTTP/2 upgrade (h2c) on each new connection, which Payara Micro's Grizzly
     * sometimes fails on a POST (README, "Supported servers").
     */
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    Wire(URI base, String context) {
        this.base = base;
        this.context = context;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    URI uri(String pathAndQuery) {
        return base.resolve(context + "/realtime" + pathAndQuery);
    }

    /** A path of the application outside realtime's, e.g. its own endpoint. */
    URI app(String pathAndQuery) {
        return base.resolve(context + pathAndQuery);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)));
    }

    HttpResponse<String> publish(String channel, String json, String origin) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/publish?channel=" + enc(channel)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return send(b);
    }

    /** A WebSocket that records frames and the close; {@link Ws#refusal} holds a refused handshake's answer. */
    Ws ws(String query, String origin) {
        return wsAt(uri("/ws" + query), origin);
    }

    static Ws wsAt(URI http, String origin) {
        return new Ws(URI.create(http.toString().replaceFirst("^http", "ws")), origin);
    }

    Sse sse(String query) throws IOException, InterruptedException {
        return new Sse(http.send(HttpRequest.newBuilder(uri("/sse" + query)).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream()));
    }

    static final class Ws implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        final WebSocket socket;
        /** The HTTP answer when the handshake was refused, else null. */
        final HttpResponse<?> refusal;

        Ws(URI uri, String origin) {
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
            if (origin != null) {
                b.header("Origin", origin);
            }
            WebSocket s = null;
            HttpResponse<?> r = null;
            try {
                s = b.buildAsync(uri, this).join();
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof WebSocketHandshakeException h)) {
                    throw e;
                }
                r = h.getResponse();
            }
            socket = s;
            refusal = r;
        }

        Ws send(String text) {
            socket.sendText(text, true).join();
            return this;
        }

        JsonObject next() throws InterruptedException {
            JsonObject f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + WAIT.toSeconds() + " s");
            }
            return f;
        }

        JsonObject next(String type) throws InterruptedException {
            JsonObject f = next();
            if (!type.equals(f.getString("type"))) {
                throw new AssertionError("expected a " + type + " frame, got " + f);
            }
            return f;
        }

        int awaitClose() throws Exception {
            return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(json(partial.toString()));
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
        public void close() {
            if (socket != null) {
                socket.abort();
            }
        }
    }

    /** An event stream read line by line on its own thread. */
    static final class Sse implements AutoCloseable {
        /** Put in {@link #lines} when the stream has ended. */
        static final String END = "\u0000end of stream";
        final HttpResponse<InputStream> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        /** Taken before each line is read: {@link #hold()} drains it, so the reader stops reading. */
        private final java.util.concurrent.Semaphore reading = new java.util.concurrent.Semaphore(Integer.MAX_VALUE);
        private volatile boolean ended;

        Sse(HttpResponse<InputStream> response) {
            this.response = response;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    while (true) {
                        reading.acquireUninterruptibly();
                        reading.release();
                        String l = r.readLine();
                        if (l == null) {
                            ended = true;
                            break;
                        }
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // closed
                }
                lines.add(END);
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        /** Stops reading after the current line (the client's buffers, then the server's, fill up). */
        void hold() {
            reading.drainPermits();
        }

        void resume() {
            reading.release(Integer.MAX_VALUE - reading.availablePermits());
        }

        /** Whether the server ended the stream (not this client closing it). */
        boolean ended() {
            return ended;
        }

        String nextLine() throws InterruptedException {
            String l = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null) {
                throw new AssertionError("no line within " + WAIT.toSeconds() + " s");
            }
            return l;
        }

        /** The next {@code data:} line's JSON (skipping ids, comments and blank lines). */
        JsonObject nextData() throws InterruptedException {
            while (true) {
                String l = nextLine();
                if (l.startsWith("data: ")) {
                    return json(l.substring(6));
                }
            }
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }
}
