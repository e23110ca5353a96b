package dev.realtime.client.internal;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a client owns or borrows: the HTTP client, the listener executor and JSON-B, each either
 * given in the configuration (then left alone on close) or made here (then stopped on close; the HTTP
 * client's executor by going idle, see {@link #shutdownHttpClient()}).
 */
final class ClientResources {

    private static final System.Logger LOG = System.getLogger(ClientResources.class.getName());
    /** How long an idle thread of the HTTP client's executor lives: after close() its last threads end this soon. */
    private static final long HTTP_THREAD_IDLE_MILLIS = 1000;

    final HttpClient http;
    final Executor listenerExecutor;
    final Jsonb jsonb;
    private final ExecutorService ownHttpExecutor;
    private final ExecutorService ownListenerExecutor;
    private final boolean ownJsonb;

    ClientResources(ClientConfig cfg) {
        if (cfg.httpClient() != null) {
            this.http = cfg.httpClient();
            this.ownHttpExecutor = null;
        } else {
            // our own executor, whose threads end when idle: close() must not shut it down (see shutdownHttpClient)
            this.ownHttpExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, HTTP_THREAD_IDLE_MILLIS,
                    TimeUnit.MILLISECONDS, new SynchronousQueue<>(), daemon("realtime-client-http"));
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(cfg.connectTimeout())
                    .executor(ownHttpExecutor)
                    .build();
        }
        if (cfg.listenerExecutor() != null) {
            this.ownListenerExecutor = null;
            this.listenerExecutor = cfg.listenerExecutor();
        } else {
            this.ownListenerExecutor = Executors.newSingleThreadExecutor(daemon("realtime-client-listener"));
            this.listenerExecutor = ownListenerExecutor;
        }
        this.ownJsonb = cfg.jsonb() == null;
        this.jsonb = ownJsonb ? JsonbBuilder.create() : cfg.jsonb();
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops what was made here; the listener executor gets 2 s to run the callbacks already queued. */
    void close() {
        if (ownListenerExecutor != null) {
            ownListenerExecutor.shutdown();
            try {
                ownListenerExecutor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownHttpExecutor != null) {
            shutdownHttpClient();
        }
        if (ownJsonb) {
            try {
                jsonb.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing JSON-B", e);
            }
        }
    }

    /**
     * JDK 21+ has {@code HttpClient.shutdownNow()}, which also ends the selector thread at once; on
     * JDK 17 that thread ends by itself once the client is unreachable and its pending-operation
     * count is back to zero. The executor is deliberately not shut down: close() cancels the
     * in-flight poll or stream, and the JDK finishes that cancelled exchange (and decrements the
     * count) on this executor after close() returned. A shut-down executor rejects that work, the
     * count never drops, and on JDK 17 the selector thread then lives for the rest of the JVM.
     * Its threads end {@value #HTTP_THREAD_IDLE_MILLIS} ms after their last task instead.
     */
    private void shutdownHttpClient() {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (NoSuchMethodException jdk17) {
            // see above
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "shutting the HTTP client down", e);
        }
    }
}
