package dev.realtime.internal.metrics;

/** One transport of one web application, as JMX shows it: {@code dev.realtime:context=/app,type=Transport,name=websocket}. */
public interface TransportMXBean {
    /** Open connections (long-polling: polls being held). */
    long getConnections();

    /** Messages handed to the container for clients, since start. */
    long getMessagesDelivered();

    long getBytesWritten();

    /** Gap notices sent. */
    long getGaps();

    /** Delivery lag over the last minute, publish accepted to frame handed to the container: median. */
    double getDeliveryLagP50Millis();

    double getDeliveryLagP99Millis();

    /** Live deliveries whose lag was recorded, since start. */
    long getDeliveryLagCount();
}
