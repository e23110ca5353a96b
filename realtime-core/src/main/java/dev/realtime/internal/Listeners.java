package dev.realtime.internal;

import dev.realtime.ClientPublish;
import dev.realtime.Connection;
import dev.realtime.Message;
import dev.realtime.RealtimeListener;
import dev.realtime.internal.presence.PresenceRegistry;

import java.util.Arrays;

/**
 * The engine's {@link RealtimeListener}s. With none registered every call site costs one volatile read
 * ({@link #any()}); a listener that throws is logged and the others still run.
 */
final class Listeners implements PresenceRegistry.Observer {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());
    private static final RealtimeListener[] NONE = {};

    private volatile RealtimeListener[] all = NONE;

    @Override
    public boolean any() {
        return all.length != 0;
    }

    synchronized AutoCloseable add(RealtimeListener listener) {
        RealtimeListener[] next = Arrays.copyOf(all, all.length + 1);
        next[all.length] = listener;
        all = next;
        return () -> remove(listener);
    }

    private synchronized void remove(RealtimeListener listener) {
        all = Arrays.stream(all).filter(l -> l != listener).toArray(RealtimeListener[]::new);
    }

    void opened(Connection c) {
        for (RealtimeListener l : all) {
            try {
                l.opened(c);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    void closed(Connection c) {
        for (RealtimeListener l : all) {
            try {
                l.closed(c);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    void subscribed(Connection c, String channel) {
        for (RealtimeListener l : all) {
            try {
                l.subscribed(c, channel);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    void unsubscribed(Connection c, String channel) {
        for (RealtimeListener l : all) {
            try {
                l.unsubscribed(c, channel);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    void published(Message m, ClientPublish client) {
        for (RealtimeListener l : all) {
            try {
                l.published(m, client);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void joined(Connection c, String channel, String member) {
        for (RealtimeListener l : all) {
            try {
                l.joined(c, channel, member);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    @Override
    public void left(Connection c, String channel, String member) {
        for (RealtimeListener l : all) {
            try {
                l.left(c, channel, member);
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
    }

    private static void failed(RealtimeListener l, RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the realtime listener " + l.getClass().getName() + " failed", e);
    }
}
