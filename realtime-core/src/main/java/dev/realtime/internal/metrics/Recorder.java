package dev.realtime.internal.metrics;

/**
 * Receives the timed events a meter registry records itself (its timers keep their own histograms).
 * Set only while a Micrometer registry is bound, so without one the hot path never calls out.
 */
public interface Recorder {
    void deliveryLag(Transport transport, long millis);

    void busPublish(long nanos);
}
