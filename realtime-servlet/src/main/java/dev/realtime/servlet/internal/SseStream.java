package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Since;
import dev.realtime.internal.metrics.Transport;
import dev.realtime.internal.tickets.CredentialTimer;
import dev.realtime.internal.tickets.Tickets;
import dev.realtime.protocol.JsonStrings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events stream with non-blocking writes: the queue is drained only while the container
 * says the socket can take more, so a slow reader never holds a thread; its queue fills instead and
 * the slow-consumer policy applies.
 */
public final class SseStream implements Session.Output, WriteListener, AsyncEnd {
    private static final System.Logger LOG = System.getLogger(SseStream.class.getName());
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    /**
     * A comment line without the blank line that would end an event: invisible to every SSE parser.
     * A client that closed its connection is only noticed when a write fails (containers do not watch
     * an async request's socket for reads), and the first write after the close still succeeds: two
     * probes a few seconds apart free the slot instead of two heartbeats 15 s apart.
     */
    private static final byte[] PROBE = ":\n".getBytes(StandardCharsets.US_ASCII);

    private final Engine engine;
    private final AsyncContext async;
    private final ServletOutputStream out;
    private final long heartbeatMillis;
    private final long probeMillis;
    private final Runnable pumpTask = this::pump;
    private Session session;
    private ScheduledFuture<?> heartbeat;
    /** Ends a ticket-admitted stream when its credential expires (version 1.1); null without a ticket. */
    private CredentialTimer credential;
    /** Guarded by this: the last event before the end (why the stream ends), written after what is queued is dropped. */
    private byte[] epilogue;
    /** Guarded by this: the retry line still to write, unflushed bytes, a heartbeat due, the end. */
    private byte[] preamble;
    private boolean unflushed;
    /** Open Liberty keeps a small response buffered on its first flush; a second one sends it. */
    private boolean flushedOnce;
    private boolean heartbeatDue;
    private boolean probeDue;
    private boolean ending;
    private boolean done;
    /** Set by the container's first onWritePossible: before it, non-blocking writes are not allowed. */
    private boolean writable;
    /** Nanos of the last event or heartbeat (heartbeats keep clients' stall timers calm). */
    private volatile long lastWrite;
    /** Nanos of the last bytes of any kind, probes included. */
    private volatile long lastBytes;

    private SseStream(Engine engine, AsyncContext async, ServletOutputStream out) {
        this.engine = engine;
        this.async = async;
        this.out = out;
        this.heartbeatMillis = engine.settings().heartbeatInterval.toMillis();
        this.probeMillis = engine.settings().sseProbeInterval.toMillis();
        this.preamble = ("retry: " + engine.settings().sseRetry.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    public static void start(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        LiveParams live = LiveParams.of(req);
        List<String> channels = Requests.channels(req, live.presence().isEmpty() && live.join().isEmpty(), engine.settings().channelsMax, live.v11());
        live.checkLimit(channels, engine.settings().channelsMax);
        String lastEventId = req.getHeader("Last-Event-ID");
        Since since = Requests.since(lastEventId != null && !lastEventId.isEmpty() ? lastEventId : req.getParameter("since"));

        TicketedRequest ticketed = TicketedRequest.of(engine, req, resp, "sse", channels);
        resp.setContentType("text/event-stream;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        SseStream stream = new SseStream(engine, async, resp.getOutputStream());
        async.addListener(AsyncEndListener.of(stream));
        try {
            stream.session = engine.open(stream, Integer.MAX_VALUE, req.getRemoteAddr(), ticketed.access(), ticketed.principal(req));
            live.actingAs(ticketed.principal(req)).start(stream.session);
            stream.session.subscribeAll(ticketed.channels(), since); // live before the retry line is written
            live.finish(stream.session);
        } catch (RealtimeException e) {
            if (stream.session != null) {
                stream.session.close();
            }
            HttpErrors.send(req, resp, e);
            async.complete();
            return;
        }
        if (ticketed.admission() != null) {
            stream.admitted(ticketed);
        }
        long tick = Math.max(50, Math.min(stream.heartbeatMillis / 4, stream.probeMillis / 2));
        stream.lastWrite = System.nanoTime();
        stream.lastBytes = stream.lastWrite;
        stream.heartbeat = engine.scheduler().scheduleAtFixedRate(stream::checkHeartbeat, tick, tick, TimeUnit.MILLISECONDS);
        stream.out.setWriteListener(stream); // the container calls onWritePossible: the retry line goes first
    }

    /** Names the refused channels right after the retry line, and ends the stream when the credential expires. */
    private synchronized void admitted(TicketedRequest ticketed) {
        if (done) {
            return;
        }
        StringBuilder b = new StringBuilder(new String(preamble, StandardCharsets.US_ASCII));
        for (String channel : ticketed.refused()) {
            b.append("event: error\ndata: ").append(TicketedRequest.refusal(channel)).append("\n\n");
        }
        preamble = b.toString().getBytes(StandardCharsets.UTF_8);
        credential = new CredentialTimer(engine.scheduler(), () -> {
            RealtimeException e = Tickets.expired();
            endWith(("event: error\ndata: {\"code\":\"" + ErrorCode.CREDENTIAL_EXPIRED.code() + "\",\"message\":"
                    + JsonStrings.quote(e.getMessage()) + "}\n\n").getBytes(StandardCharsets.UTF_8));
        });
        credential.expireIn(ticketed.admission().expiresIn());
    }

    /** Ends the stream with one last event, once what is being written is out. */
    private void endWith(byte[] last) {
        synchronized (this) {
            epilogue = last;
            ending = true;
        }
        engine.executor().execute(this::pump);
    }

    @Override
    public void wake() {
        engine.drain(pumpTask);
    }

    @Override
    public Transport transport() {
        return Transport.SSE;
    }

    @Override
    public void terminate(Session.CloseCause cause) {
        synchronized (this) {
            ending = true;
        }
        engine.executor().execute(this::pump);
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            writable = true;
        }
        pump();
    }

    /** Writes while the socket can take it: the retry line, queued events, a heartbeat; ends the stream when asked. */
    private synchronized void pump() {
        if (done || !writable) {
            return;
        }
        try {
            while (out.isReady()) {
                byte[] next = next();
                if (next != null) {
                    out.write(next);
                    engine.metrics().wrote(Transport.SSE, next.length);
                    unflushed = true;
                    lastBytes = System.nanoTime();
                    if (next != PROBE) {
                        lastWrite = lastBytes;
                    }
                } else if (unflushed) {
                    unflushed = false;
                    out.flush();
                    if (!flushedOnce) {
                        flushedOnce = true;
                        if (out.isReady()) {
                            out.flush();
                        }
                    }
                } else {
                    if (ending) {
                        finish();
                    }
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "an SSE client went away", e);
            release(); // the container completes the request itself after a failed write
        }
    }

    private byte[] next() {
        if (preamble != null) {
            byte[] p = preamble;
            preamble = null;
            return p;
        }
        if (ending) {
            byte[] last = epilogue;
            epilogue = null;
            return last;
        }
        Outbound o = session.poll();
        if (o != null) {
            engine.metrics().sent(Transport.SSE, o);
            return encode(o);
        }
        if (heartbeatDue) {
            heartbeatDue = false;
            probeDue = false;
            return HEARTBEAT;
        }
        if (probeDue) {
            probeDue = false;
            return PROBE;
        }
        return null;
    }

    /** One event; ids, event names and JSON never hold CR or LF, so one event is always one event. Public for the benchmarks. */
    public static byte[] encode(Outbound o) {
        StringBuilder b = new StringBuilder(256);
        if (o instanceof Outbound.Delivery d) {
            if (d.cursor() != null) { // an ephemeral message (1.1) has none: Last-Event-ID stays as it was
                b.append("id: ").append(d.cursor()).append('\n');
            }
            if (!d.message().event().equals("message")) {
                b.append("event: ").append(d.message().event()).append('\n');
            }
            b.append("data: {").append(d.message().jsonFields()).append("}\n\n");
        } else if (o instanceof Outbound.Gap g) {
            b.append("event: gap\ndata: {\"channel\":");
            JsonStrings.append(b, g.channel());
            b.append("}\n\n");
        } else if (o instanceof Outbound.Presence p) {
            b.append("event: $presence\ndata: {").append(p.fields()).append("}\n\n"); // no id: presence is not resumed
        } else {
            return new byte[0];
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void checkHeartbeat() {
        long now = System.nanoTime();
        boolean heartbeat = now - lastWrite >= TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        boolean probe = now - lastBytes >= TimeUnit.MILLISECONDS.toNanos(probeMillis);
        if (heartbeat || probe) {
            synchronized (this) {
                heartbeatDue |= heartbeat;
                probeDue |= probe;
            }
            engine.executor().execute(this::pump);
        }
    }

    private void finish() {
        release();
        try {
            async.complete();
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "SSE stream already complete", e);
        }
    }

    @Override
    public synchronized void release() {
        done = true;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (credential != null) {
            credential.cancel();
        }
        if (session != null) {
            session.close();
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.log(System.Logger.Level.DEBUG, "SSE write failed", t);
        release();
    }
}
