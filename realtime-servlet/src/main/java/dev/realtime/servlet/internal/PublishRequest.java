package dev.realtime.servlet.internal;

import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Names;
import dev.realtime.spi.Published;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST <base>/publish?channel=a&event=e} with a JSON body: answered {@code 202 {"channel":"a","id":"17"}}.
 *
 * <p>The body is read without holding a request thread (a {@link ReadListener}), within
 * {@code realtime.publish.bodyTimeout} in all, and counts as one of its address's connections while it
 * arrives: a client dribbling bodies on many sockets holds neither the container's threads nor more
 * than its share of connections.
 */
public final class PublishRequest implements ReadListener, AsyncEnd {
    private static final System.Logger LOG = System.getLogger(PublishRequest.class.getName());

    private final Engine engine;
    private final HttpServletRequest req;
    private final AsyncContext async;
    private final ServletInputStream in;
    private final String channel;
    private final String event;
    private final String key;
    /** Protocol 1.1: delivered live, never stored. */
    private final boolean ephemeral;
    private final int limit;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] buffer = new byte[8192];
    private final AtomicBoolean finished = new AtomicBoolean();
    /** The body was read whole and is being published: once, whether the container or we noticed the end. */
    private final AtomicBoolean bodyRead = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    /** The application stopping while the body arrives: answered 503 shutting_down at once. */
    private final Runnable shutdown = this::applicationStopping;
    /** The publisher's ticket or resume token, when it presented one (version 1.1). */
    private TicketedRequest ticketed;

    private PublishRequest(Engine engine, HttpServletRequest req, String channel, String event, String key, boolean ephemeral)
            throws IOException {
        this.engine = engine;
        this.req = req;
        this.channel = channel;
        this.event = event;
        this.key = key;
        this.ephemeral = ephemeral;
        this.limit = engine.settings().messageMaxSize;
        this.async = req.startAsync();
        this.in = req.getInputStream();
    }

    public static void handle(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] channels = req.getParameterValues("channel");
        if (channels == null || channels.length == 0) {
            throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "add the channel to publish to, e.g. ?channel=room:42");
        }
        if (channels.length > 1) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "publish to exactly one channel per request");
        }
        String channel = Names.channel(channels[0]);
        String event = Names.event(req.getParameter("event"));
        String key = Names.idempotencyKey(req.getHeader("Idempotency-Key"));
        boolean ephemeral = ephemeral(req.getParameter("ephemeral"));
        engine.checkPublishRate(req.getRemoteAddr());
        checkContentType(req.getContentType());
        TicketedRequest ticketed = TicketedRequest.of(engine, req, resp, "publish", List.of());
        if (req.getContentLengthLong() > engine.settings().messageMaxSize) {
            throw engine.tooLarge();
        }
        engine.takeConnection(req.getRemoteAddr());
        PublishRequest p;
        try {
            p = new PublishRequest(engine, req, channel, event, ephemeral ? null : key, ephemeral);
        } catch (RuntimeException | IOException e) {
            engine.releaseConnection(req.getRemoteAddr());
            throw e;
        }
        p.ticketed = ticketed;
        p.async.setTimeout(engine.settings().publishBodyTimeout.toMillis());
        p.async.addListener(AsyncEndListener.of(p));
        p.in.setReadListener(p);
        engine.addClosingTask(p.shutdown);
    }

    @Override
    public void onDataAvailable() throws IOException {
        while (!finished.get() && in.isReady()) {
            int n = in.read(buffer);
            if (n < 0) {
                return; // onAllDataRead follows
            }
            if (body.size() + n > limit) {
                finish(engine.tooLarge());
                return;
            }
            body.write(buffer, 0, n);
            if (in.isFinished() && in.available() == 0) {
                // the whole body has arrived and been read: answer now instead of asking isReady once more,
                // which on Payara registers a read callback that runs after the request has completed and
                // dies there (an uncaught NullPointerException in its log)
                onAllDataRead();
                return;
            }
        }
    }

    @Override
    public void onAllDataRead() {
        if (finished.get() || !bodyRead.compareAndSet(false, true)) {
            return; // answered already (from onDataAvailable, or the body was refused)
        }
        try {
            String data = engine.validData(utf8(body.toByteArray()));
            Published p = engine.publishFromClient(
                    new ClientPublish(channel, event, data, ticketed.principal(req), "http", req.getRemoteAddr(), ephemeral), key,
                    ticketed.access());
            finish(HttpServletResponse.SC_ACCEPTED, "{\"channel\":\"" + p.channel() + "\","
                    + (ephemeral ? "\"ephemeral\":true}" : "\"id\":\"" + p.id() + "\"}"));
        } catch (RealtimeException e) {
            finish(e);
        }
    }

    /** The body could not be read: it ended before its length, or its chunked framing was broken. */
    @Override
    public void onError(Throwable t) {
        LOG.log(System.Logger.Level.INFO, "publish body from {0} failed to arrive: {1}", req.getRemoteAddr(), String.valueOf(t));
        finish(new RealtimeException(ErrorCode.INVALID_JSON, "the request body did not arrive whole (it ended early or its chunked encoding is broken)"));
    }

    @Override
    public void timedOut(AsyncContext async) {
        finish(new RealtimeException(ErrorCode.REQUEST_TIMEOUT, "the request body did not arrive within "
                + engine.settings().publishBodyTimeout.toMillis() + " ms (realtime.publish.bodyTimeout)"));
    }

    private void applicationStopping() {
        finish(engine.shuttingDown());
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            engine.removeClosingTask(shutdown);
            engine.releaseConnection(req.getRemoteAddr());
        }
    }

    private void finish(RealtimeException e) {
        engine.metrics().refused(e.code());
        finish(e.code().status(), e.toJson());
    }

    private void finish(int status, String json) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            HttpServletResponse resp = (HttpServletResponse) async.getResponse();
            if (!resp.isCommitted()) {
                resp.resetBuffer();
                resp.setStatus(status);
                if (status >= 400) {
                    resp.setHeader("Connection", "close"); // the rest of a refused body is not worth reading
                }
                HttpErrors.writeJson(resp, json);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "publish answer not sent: {0}", String.valueOf(e));
        } finally {
            release();
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // already completed by the container after an error
            }
        }
    }

    /** The 1.1 publish option {@code ephemeral}: {@code true} or {@code false} (absent: false). */
    private static boolean ephemeral(String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new RealtimeException(ErrorCode.INVALID_FRAME, "the ephemeral parameter must be true or false");
    }

    private static void checkContentType(String contentType) {
        if (contentType != null) {
            String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"))) {
                return;
            }
        }
        throw new RealtimeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "send the message as Content-Type: application/json" + (contentType == null ? "" : ", not " + contentType));
    }

    /** Strict UTF-8: invalid bytes are invalid_json. */
    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new RealtimeException(ErrorCode.INVALID_JSON, "the body is not valid UTF-8");
        }
    }
}
