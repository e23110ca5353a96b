package dev.realtime.spi;

/** A live subscription to a channel on the bus. Closing it twice is harmless. */
public interface BusSubscription extends AutoCloseable {
    @Override
    void close();
}
