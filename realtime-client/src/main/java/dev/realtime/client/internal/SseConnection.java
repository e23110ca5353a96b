package dev.realtime.client.internal;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The {@code {base}/sse} transport: a streaming GET read with {@link SseParser}. */
final class SseConnection implements TransportConnection {

    private static final String EVENT_STREAM = "text/event-stream";

    private final TransportEvents events;
    private volatile boolean closed;
    private volatile Flow.Subscription subscription;
    private volatile StreamSubscriber stream;
    private CompletableFuture<HttpResponse<Void>> response;

    private SseConnection(TransportEvents events) {
        this.events = events;
    }

    static SseConnection open(HttpClient http, URI base, List<String> channels, String since,
            Map<String, String> headers, Duration headersTimeout, TransportEvents events) {
        return open(http, base, channels, since, List.of(), headers, headersTimeout, events);
    }

    /** With the presence parameters of protocol 1.1 ({@code live}). */
    static SseConnection open(HttpClient http, URI base, List<String> channels, String since, List<Map.Entry<String, String>> live,
            Map<String, String> headers, Duration headersTimeout, TransportEvents events) {
        SseConnection c = new SseConnection(events);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("since", since);
        HttpRequest request = Http.withHeaders(HttpRequest.newBuilder(Http.uri(base, "sse", channels, params, live)), headers)
                .header("Accept", EVENT_STREAM)
                .timeout(headersTimeout)
                .GET()
                .build();
        c.response = http.sendAsync(request, c::bodyFor);
        c.response.whenComplete((r, error) -> {
            if (error != null) {
                c.events.failed(error.getCause() != null ? error.getCause() : error, false);
            }
            // a completed stream is reported by the body subscriber
        });
        return c;
    }

    private BodySubscriber<Void> bodyFor(HttpResponse.ResponseInfo info) {
        String type = info.headers().firstValue("Content-Type").orElse("");
        if (info.statusCode() == 200 && type.toLowerCase().startsWith(EVENT_STREAM)) {
            StreamSubscriber s = new StreamSubscriber();
            stream = s;
            if (closed) {
                s.done.complete(null);
            }
            return s;
        }
        int status = info.statusCode();
        // 404/405/406/415/426/501, or a 200 that is not an event stream: SSE does not work here
        boolean refused = status == 404 || status == 405 || status == 406 || status == 415
                || status == 426 || status == 501 || status == 200;
        return BodySubscribers.mapping(BodySubscribers.ofString(StandardCharsets.UTF_8), body -> {
            events.failed(status == 200
                    ? new java.io.IOException("not an event stream: Content-Type '" + type + "'")
                    : Http.error(status, body), refused);
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
        // first, while the exchange is still running: cancel(true) aborts it and closes the
        // socket (cancelling the body subscription alone leaves the HTTP/1.1 connection open)
        if (response != null) {
            response.cancel(true);
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        // the HTTP client counts the exchange as pending (and keeps its selector thread and the
        // connection) until the body completes, which a cancelled stream never does by itself
        StreamSubscriber st = stream;
        if (st != null) {
            st.done.complete(null);
        }
    }

    /** Decodes UTF-8 incrementally and feeds the parser, one buffer list at a time. */
    private final class StreamSubscriber implements BodySubscriber<Void>, SseParser.Handler {

        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final SseParser parser = new SseParser(this);
        private ByteBuffer leftover = ByteBuffer.allocate(0);
        private boolean opened;
        private String lastReportedId = "";

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            if (closed) {
                return;
            }
            if (!opened) {
                opened = true;
                events.opened();
            }
            events.activity();
            for (ByteBuffer b : item) {
                decode(b);
            }
            subscription.request(1);
        }

        private void decode(ByteBuffer b) {
            ByteBuffer in;
            if (leftover.hasRemaining()) {
                in = ByteBuffer.allocate(leftover.remaining() + b.remaining());
                in.put(leftover).put(b).flip();
            } else {
                in = b;
            }
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, false);
            out.flip();
            parser.feed(out);
            leftover = ByteBuffer.allocate(in.remaining());
            leftover.put(in).flip();
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
            if (!closed) {
                events.failed(error, false);
            }
        }

        @Override
        public void onComplete() {
            parser.end();
            done.complete(null);
            if (!closed) {
                events.failed(new java.io.EOFException("the server ended the event stream"), false);
            }
        }

        @Override
        public void onEvent(String lastEventId, String type, String data) {
            if (closed) {
                return;
            }
            lastReportedId = lastEventId;
            String cursor = lastEventId.isEmpty() ? null : lastEventId;
            try {
                if (type.equals("gap")) {
                    JsonObject o = Json.object(data);
                    events.gap(Json.string(o, "channel"));
                } else if (type.equals("error")) { // version 1.1: a channel refused by name, or the credential's end
                    JsonObject o = Json.object(data);
                    String code = Json.string(o, "code");
                    if (Json.string(o, "channel") != null) {
                        events.frameError(null, Json.string(o, "channel"), code, Json.string(o, "message"));
                    } else {
                        events.failed(new dev.realtime.client.RealtimeException(
                                ErrorCodes.CREDENTIAL_EXPIRED.equals(code) ? 401 : 0, code, Json.string(o, "message")), false);
                    }
                } else if (type.equals("$presence")) {
                    events.presence(Json.object(data));
                } else {
                    events.message(Json.message(Json.object(data)), cursor);
                }
            } catch (RuntimeException e) {
                events.failed(new java.io.IOException("unreadable SSE event '" + type + "': " + data, e), false);
            }
        }

        @Override
        public void onEmptyDispatch(String lastEventId) {
            if (!closed && !lastEventId.isEmpty() && !lastEventId.equals(lastReportedId)) {
                lastReportedId = lastEventId;
                events.cursor(lastEventId);
            }
        }
    }
}
