package dev.realtime.internal.metrics;

/**
 * Receives the bus publish times, which a Micrometer timer records itself (once per publish, not per
 * delivery). Set only while a Micrometer registry is bound.
 */
public interface Recorder {
    void busPublish(long nanos);
}
