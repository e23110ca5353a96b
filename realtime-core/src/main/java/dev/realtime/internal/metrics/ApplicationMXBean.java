package dev.realtime.internal.metrics;

import java.util.Map;

/** One web application's realtime as a whole, as JMX shows it: {@code dev.realtime:context=/app,type=Realtime}. */
public interface ApplicationMXBean {
    long getConnections();

    /** Subscriptions of every connection (a connection on three channels counts three). */
    long getSubscriptions();

    /** Channels with at least one subscriber on this node. */
    long getChannels();

    /** Messages published since start, by origin: application, http, websocket. */
    Map<String, Long> getMessagesPublished();

    /** Connections the server closed, by cause: slow_consumer, shutdown, dropped, policy_violation. */
    Map<String, Long> getDisconnects();

    /** Messages the drop-oldest policy took out of full queues. */
    long getQueueDropped();

    /** Requests and frames refused, by the protocol's error code (codes never refused are left out). */
    Map<String, Long> getRefusals();

    double getBusPublishP50Millis();

    double getBusPublishP99Millis();
}
