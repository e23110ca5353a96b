package dev.realtime.servlet.internal;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Outbound;
import dev.realtime.internal.Session;
import dev.realtime.internal.Since;
import dev.realtime.internal.metrics.Transport;
import dev.realtime.protocol.JsonStrings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One long-poll: answered as soon as anything is queued (a replay, a gap, a live message) or when the
 * timeout passes, with the cursor for the next poll. Its session is opened for the request, or taken
 * over from the previous poll of the same client when it comes back with the cursor that poll handed
 * out ({@link dev.realtime.internal.ParkedPolls}); after the answer it is parked for the next one.
 */
public final class PollRequest implements Session.Output, AsyncEnd {
    private static final System.Logger LOG = System.getLogger(PollRequest.class.getName());

    private final Engine engine;
    private final AsyncContext async;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Runnable answerTask = this::answer;
    private volatile Session session;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean closeConnection;
    /** False while the request is still subscribing: an answer then would leave channels out of the cursor. */
    private volatile boolean ready;
    /** Ended (dropped, shut down) before it finished subscribing: answer with the cursor it came with. */
    private volatile boolean endedEarly;
    /** The request's own cursor, when it came with one. */
    private String sinceCursor;
    /** Who polls: a parked session is handed only to a poll of the same client (address and user). */
    private String client;
    /** The resume token of a ticket-admitted poll: a parked session is handed only to a poll with the same rights. */
    private String credential;
    /** The session ends with this request (shut down, dropped, too slow): it is not kept for the next poll. */
    private volatile boolean ending;
    /** The session was parked for the next poll: no longer this request's to close. */
    private volatile boolean handedOff;
    /** Requested channels its ticket does not allow, as the answer's {@code refused} field (version 1.1). */
    private String refused = "";
    /** Protocol 1.1: the answer has a presence field. */
    private boolean v11;

    private PollRequest(Engine engine, AsyncContext async) {
        this.engine = engine;
        this.async = async;
    }

    public static void start(Engine engine, HttpServletRequest req, HttpServletResponse resp) {
        LiveParams live = LiveParams.of(req);
        List<String> channels = Requests.channels(req, live.presence().isEmpty() && live.join().isEmpty(), engine.settings().channelsMax, live.v11());
        live.checkLimit(channels, engine.settings().channelsMax);
        Since since = Requests.since(req.getParameter("since"));
        long timeout = timeout(engine, req.getParameter("timeout"));
        TicketedRequest ticketed = TicketedRequest.of(engine, req, resp, "poll", channels);
        live = live.actingAs(ticketed.principal(req));
        if (ticketed.admission() != null) {
            timeout = Math.min(timeout, ticketed.admission().expiresIn()); // answered when the credential expires
        }

        AsyncContext async = req.startAsync();
        async.setTimeout(timeout + 30_000); // our own timer answers first; this only reclaims a stuck request
        PollRequest poll = new PollRequest(engine, async);
        poll.sinceCursor = since instanceof Since.After ? req.getParameter("since") : null;
        if (!ticketed.refused().isEmpty()) {
            poll.refused = ",\"refused\":[" + String.join(",", ticketed.refused().stream().map(TicketedRequest::refusal).toList()) + "]";
        }
        async.addListener(AsyncEndListener.of(poll));
        poll.v11 = live.v11();
        java.security.Principal user = ticketed.principal(req); // a ticket's user, else the container's
        poll.client = req.getRemoteAddr() + (user == null ? "" : "|" + user.getName()) + live.signature();
        poll.credential = ticketed.admission() == null ? null : ticketed.admission().token();
        try {
            ChannelAccess access = ticketed.access();
            Session parked = poll.sinceCursor == null ? null : engine.parkedPolls().resume(poll.sinceCursor, ticketed.channels(),
                    poll.client, poll.credential, access, poll, engine.settings().pollMaxMessages);
            if (parked != null) {
                poll.session = parked; // subscribed since the last answer: only its queue is left to take
            } else {
                poll.session = engine.open(poll, engine.settings().pollMaxMessages, req.getRemoteAddr(), access, user);
                live.start(poll.session);
                poll.session.subscribeAll(ticketed.channels(), since);
                live.finish(poll.session);
            }
        } catch (RealtimeException e) {
            poll.fail(e);
            return;
        }
        poll.ready = true;
        if (timeout == 0 || poll.endedEarly || poll.session.hasPending() || poll.session.isClosed()) {
            poll.answer();
        } else {
            poll.timer = engine.scheduler().schedule(() -> engine.executor().execute(poll::answer), timeout, TimeUnit.MILLISECONDS);
        }
    }

    private static long timeout(Engine engine, String value) {
        if (value == null) {
            return engine.settings().pollTimeout.toMillis();
        }
        try {
            long t = Long.parseLong(value);
            if (t < 0) {
                throw new NumberFormatException();
            }
            return Math.min(t, engine.settings().pollMaxTimeout.toMillis());
        } catch (NumberFormatException e) {
            throw new RealtimeException(ErrorCode.INVALID_TIMEOUT, "timeout must be a whole number of milliseconds, 0 or more");
        }
    }

    @Override
    public void wake() {
        if (ready) {
            engine.drain(answerTask);
        }
    }

    @Override
    public Transport transport() {
        return Transport.LONGPOLL;
    }

    @Override
    public void terminate(Session.CloseCause cause) {
        ending = true;
        closeConnection = cause == Session.CloseCause.DROPPED;
        if (!ready) {
            endedEarly = true; // start() answers once it has finished (or the re-check below, if it just did)
            if (!ready) {
                return;
            }
        }
        answer(); // now, before the session forgets its queue and channels
    }

    /** Answers once, with everything queued and the cursor after it. */
    private void answer() {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        // a long-poll member stays present for a grace period after each answer, so polling again needs no rejoin
        session.keepPresenceUntil(engine.clock().millis() + engine.settings().presencePollGrace.toMillis());
        Session.Batch batch = session.drain();
        if (endedEarly && sinceCursor != null) {
            // subscribing was cut short: the batch's cursor may miss channels, so hand back the request's own
            session.close();
            batch = new Session.Batch(java.util.List.of(), sinceCursor);
        } else if (!ending && sinceCursor != null && engine.parkedPolls().park(session, batch.cursor(), client, credential)) {
            // kept, still subscribed, for the poll that comes back with this cursor (only clients that
            // poll with cursors are expected back with one)
            handedOff = true;
        } else {
            session.close();
        }
        StringBuilder messages = new StringBuilder();
        StringBuilder gaps = new StringBuilder();
        StringBuilder presence = new StringBuilder();
        for (Outbound o : batch.items()) {
            engine.metrics().sent(Transport.LONGPOLL, o);
            if (o instanceof Outbound.Delivery d) {
                messages.append(messages.isEmpty() ? "" : ",").append('{').append(d.message().jsonFields()).append('}');
            } else if (o instanceof Outbound.Gap g) {
                gaps.append(gaps.isEmpty() ? "" : ",").append(JsonStrings.quote(g.channel()));
            } else if (o instanceof Outbound.Presence p) {
                presence.append(presence.isEmpty() ? "" : ",").append('{').append(p.fields()).append('}');
            }
        }
        String body = "{\"messages\":[" + messages + "],\"cursor\":\"" + batch.cursor() + "\",\"gaps\":[" + gaps + "]" + refused
                + (v11 ? ",\"presence\":[" + presence + "]}" : "}");
        try {
            HttpServletResponse resp = (HttpServletResponse) async.getResponse();
            if (closeConnection) {
                resp.setHeader("Connection", "close");
            }
            engine.metrics().wrote(Transport.LONGPOLL, HttpErrors.writeJson(resp, body));
            async.complete();
        } catch (IOException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, "a long-poll client went away before its answer", e);
        }
    }

    private void fail(RealtimeException e) {
        answered.set(true);
        if (session != null) {
            session.close();
        }
        try {
            HttpErrors.send((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), e);
            async.complete();
        } catch (IOException | IllegalStateException x) {
            LOG.log(System.Logger.Level.DEBUG, "could not send an error to a long-poll client", x);
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    @Override
    public void release() {
        answered.set(true);
        cancelTimer();
        if (session != null && !handedOff) {
            session.close();
        }
    }

    @Override
    public void timedOut(AsyncContext async) {
        release();
        async.complete();
    }
}
