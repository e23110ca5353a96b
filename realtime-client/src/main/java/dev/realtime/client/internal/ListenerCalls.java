package dev.realtime.client.internal;

import dev.realtime.client.ConnectionListener;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.Message;
import dev.realtime.client.RealtimeException;
import dev.realtime.client.Transport;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Everything the engine tells the application, queued on the {@link Dispatcher} so it leaves the
 * loop: messages (each id once per channel), gaps, refusals, errors and state changes. A listener
 * that throws is logged and does not stop the others.
 */
final class ListenerCalls {

    private static final System.Logger LOG = System.getLogger(ListenerCalls.class.getName());

    private final Dispatcher dispatcher;
    private final ConnectionListener connectionListener;
    private final RecentIds recent;

    ListenerCalls(Dispatcher dispatcher, ConnectionListener connectionListener, RecentIds recent) {
        this.dispatcher = dispatcher;
        this.connectionListener = connectionListener;
        this.recent = recent;
    }

    /** Where callbacks run, one at a time and in order (presence listeners too). */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** The listeners are a buffer's worth behind: stop reading until they catch up. */
    boolean isFull() {
        return dispatcher.isFull();
    }

    int queued() {
        return dispatcher.size();
    }

    int capacity() {
        return dispatcher.capacity();
    }

    /** Loop only: a message, unless this channel's listeners already had its id. */
    void message(ClientChannel cs, Message m) {
        // ids are unique per channel: a pattern's subscription remembers them per matched channel;
        // an ephemeral message has none (and is never delivered twice by the server)
        if (!m.ephemeral() && !recent.firstTime(cs.name.equals(m.channel()) ? cs.name : cs.name + "\n" + m.channel(), m.id())) {
            return;
        }
        List<SubscriptionHandle> subs = List.copyOf(cs.subs);
        dispatcher.submit(() -> {
            for (SubscriptionHandle s : subs) {
                if (s.active) {
                    call(() -> s.listener.onMessage(m), "a realtime listener threw");
                }
            }
        });
    }

    /** Loop only: messages of the channel were lost. */
    void gap(ClientChannel cs) {
        // after a gap the server may be a new one (new epoch) whose ids start over: what follows is
        // new to this client in any case, so earlier ids must not suppress it
        recent.forget(cs.name);
        recent.forgetPrefix(cs.name + "\n");
        List<SubscriptionHandle> subs = List.copyOf(cs.subs);
        String channel = cs.name;
        dispatcher.submit(() -> {
            for (SubscriptionHandle s : subs) {
                if (s.active) {
                    call(() -> s.listener.onGap(channel), "a realtime listener threw");
                }
            }
        });
    }

    /** Loop only: the channel's ids are no longer needed (unsubscribed). */
    void forget(String channel) {
        recent.forget(channel);
        recent.forgetPrefix(channel + "\n");
    }

    /** The server refused the channel: every subscription of it fails and is cancelled. */
    void refused(ClientChannel cs, RealtimeException e) {
        for (SubscriptionHandle s : List.copyOf(cs.subs)) {
            s.ready.completeExceptionally(e);
            dispatcher.submit(() -> call(() -> s.listener.onError(e), "a realtime listener threw"));
            s.cancel();
        }
    }

    /** A problem of the connection, for the connection listener (logged at DEBUG without one). */
    void error(Throwable e) {
        ConnectionListener l = connectionListener;
        if (l != null) {
            dispatcher.submit(() -> call(() -> l.onError(e), "a connection listener threw"));
        } else {
            LOG.log(Level.DEBUG, "realtime connection problem", e);
        }
    }

    void stateChanged(ConnectionState s, Transport t) {
        ConnectionListener l = connectionListener;
        if (l != null) {
            dispatcher.submit(() -> call(() -> l.onStateChange(s, t), "a connection listener threw"));
        }
    }

    private static void call(Runnable r, String whenThrown) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, whenThrown, e);
        }
    }
}
