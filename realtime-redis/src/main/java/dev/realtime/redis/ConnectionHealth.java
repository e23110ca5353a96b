package dev.realtime.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices a connection to Redis that went silent without closing: the peer vanished, a NAT entry
 * or a proxy dropped the connection, or the network is partitioned. TCP tells neither side, so
 * Lettuce would keep it for good: every command timing out, the pub/sub connection delivering
 * nothing, no reconnect. Each connection is pinged every half timeout; one that has read nothing
 * for twice the timeout (at least 5 s) is closed, and Lettuce reconnects it (and the bus then resyncs).
 */
final class ConnectionHealth implements NettyCustomizer, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionHealth.class.getName());

    private static final long MIN_SILENCE_MILLIS = 5000;
    private final long silenceNanos;
    private final long pingMillis;
    private final String displayUri;
    private final Set<Watched> channels = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> pinger;
    /** When the pings began: a slow first connect (a cold client on a busy machine) is no silence. */
    private volatile long watchingSince;

    ConnectionHealth(Duration timeout, String displayUri) {
        // at least 5 s: a short command timeout on a loaded machine (GC, a busy scheduler) must not make
        // a healthy connection look dead; a dead one is still found within seconds
        this.silenceNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_SILENCE_MILLIS, timeout.toMillis() * 2));
        this.pingMillis = Math.max(1, timeout.toMillis() / 2);
        this.displayUri = displayUri;
    }

    /** Every channel Lettuce opens, first ones and reconnects alike, is watched until it closes. */
    @Override
    public void afterChannelInitialized(Channel channel) {
        Watched watched = new Watched(channel);
        channel.pipeline().addFirst(watched);
        channels.add(watched);
        channel.closeFuture().addListener(f -> channels.remove(watched));
    }

    /** Runs {@code ping} (which must not block) every half timeout, and closes the channels that stayed silent. */
    void watch(ScheduledExecutorService scheduler, Runnable ping) {
        watchingSince = System.nanoTime();
        try {
            pinger = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    ping.run();
                } catch (RuntimeException e) {
                    // disconnected: Lettuce is reconnecting already
                }
                closeSilent();
            }, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused the Redis pings", e);
        }
    }

    private void closeSilent() {
        long now = System.nanoTime();
        for (Watched w : channels) {
            long heard = Math.max(w.lastRead, watchingSince);
            if (now - heard > silenceNanos && w.channel.isOpen()) {
                LOG.log(System.Logger.Level.WARNING, "a connection to Redis at {0} read nothing for {1} ms though pinged; "
                        + "closing it to reconnect", displayUri, TimeUnit.NANOSECONDS.toMillis(now - heard));
                w.channel.close();
            }
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
    }

    /** Notes when its channel last read anything. */
    private static final class Watched extends ChannelInboundHandlerAdapter {
        final Channel channel;
        volatile long lastRead = System.nanoTime();

        Watched(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastRead = System.nanoTime();
            ctx.fireChannelRead(msg);
        }
    }
}
