package dev.realtime.client.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs listener callbacks on the listener executor, one at a time and in submission order, off
 * the I/O threads. It counts what is queued so the client can stop reading when listeners fall
 * behind ({@link #isFull()}), and calls {@code onDrained} once the queue is back to half its
 * capacity after having been full.
 */
public final class Dispatcher {

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());
    private static final int BATCH = 64;

    private final Executor executor;
    private final int capacity;
    private final Runnable onDrained;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean waitingForDrain = new AtomicBoolean();

    public Dispatcher(Executor executor, int capacity, Runnable onDrained) {
        if (capacity < 2) {
            throw new IllegalArgumentException("buffer capacity must be at least 2: " + capacity);
        }
        this.executor = executor;
        this.capacity = capacity;
        this.onDrained = onDrained;
    }

    /** Queues a callback. Never blocks. */
    public void submit(Runnable callback) {
        queue.add(callback);
        size.incrementAndGet();
        schedule();
    }

    /** The number of callbacks queued and not yet run. */
    public int size() {
        return size.get();
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Whether the queue reached its capacity. When it returns {@code true}, {@code onDrained}
     * will be called once the queue is down to half.
     */
    public boolean isFull() {
        if (size.get() < capacity) {
            return false;
        }
        waitingForDrain.set(true);
        if (size.get() <= capacity / 2 && waitingForDrain.compareAndSet(true, false)) {
            // drained in between: report it right away, on the executor
            runLater(onDrained);
        }
        return true;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            runLater(this::drain);
        }
    }

    private void runLater(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "listener executor refused a task; callbacks are dropped", e);
            scheduled.set(false);
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable r = queue.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "a realtime listener threw", e);
            } finally {
                int left = size.decrementAndGet();
                if (left <= capacity / 2 && waitingForDrain.compareAndSet(true, false)) {
                    onDrained.run();
                }
            }
        }
        scheduled.set(false);
        if (!queue.isEmpty()) {
            schedule();
        }
    }
}
