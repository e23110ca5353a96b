package dev.realtime.redis;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Notices a connection to Redis that went silent without closing: the peer vanished, a NAT entry
 * or a proxy dropped the connection, or the network is partitioned. TCP tells neither side, so
 * Lettuce would keep it for good: every command timing out, the pub/sub connection delivering
 * nothing, no reconnect. Each connection is pinged every half timeout; one that has read nothing
 * for twice the timeout is closed, and Lettuce reconnects it (and the bus then resyncs).
 */
final class ConnectionHealth implements NettyCustomizer, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionHealth.class.getName());

    private final long silenceMillis;
    private final long pingMillis;
    private final String displayUri;
    private volatile ScheduledFuture<?> pinger;

    ConnectionHealth(Duration timeout, String displayUri) {
        this.silenceMillis = Math.max(2, timeout.toMillis() * 2);
        this.pingMillis = Math.max(1, timeout.toMillis() / 2);
        this.displayUri = displayUri;
    }

    /** Every channel Lettuce opens, first ones and reconnects alike: closed after a silence. */
    @Override
    public void afterChannelInitialized(Channel channel) {
        channel.pipeline().addFirst(new IdleStateHandler(silenceMillis, 0, 0, TimeUnit.MILLISECONDS), new SilenceCloser());
    }

    /** Runs {@code ping} (which must not block) every half timeout, so a healthy connection is never silent. */
    void watch(ScheduledExecutorService scheduler, Runnable ping) {
        try {
            pinger = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    ping.run();
                } catch (RuntimeException e) {
                    // disconnected: Lettuce is reconnecting already
                }
            }, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "scheduler refused the Redis pings", e);
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> p = pinger;
        if (p != null) {
            p.cancel(false);
        }
    }

    private final class SilenceCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                LOG.log(System.Logger.Level.WARNING, "a connection to Redis at {0} read nothing for {1} ms though pinged; "
                        + "closing it to reconnect", displayUri, silenceMillis);
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
