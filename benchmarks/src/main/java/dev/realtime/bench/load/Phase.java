package dev.realtime.bench.load;

import java.util.concurrent.atomic.LongAdder;

/** What the clients record during one measured phase (one rate step, one storm). */
final class Phase {
    final long firstSeq;
    final Histogram latency = new Histogram();
    final LongAdder deliveries = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder pollRequests = new LongAdder();
    final LongAdder pollBytes = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    /** For the storm: the first seq published after the drop, and when the drop was asked (nanoTime). */
    volatile long dropSeq = Long.MAX_VALUE;
    volatile long dropNanos;

    Phase(long firstSeq) {
        this.firstSeq = firstSeq;
    }
}
