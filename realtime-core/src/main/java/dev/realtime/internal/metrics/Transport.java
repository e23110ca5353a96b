package dev.realtime.internal.metrics;

/** How a connection reaches its client: the {@code transport} tag of the meters. */
public enum Transport {
    WEBSOCKET("websocket"),
    SSE("sse"),
    LONGPOLL("longpoll"),
    /** A session opened by code in the same JVM (tests, embedding): counted, never exported. */
    LOCAL("local");

    /** The network transports, the ones the meters, MBeans and the health endpoint show. */
    public static final Transport[] NETWORK = {WEBSOCKET, SSE, LONGPOLL};

    private final String tag;

    Transport(String tag) {
        this.tag = tag;
    }

    /** The tag value and the protocol's name for it. */
    public String tag() {
        return tag;
    }
}
