package dev.realtime.internal.metrics;

/** Where a published message came from: the {@code origin} tag of {@code realtime.messages.published}. */
public enum Origin {
    /** The application, through the {@code Realtime} API. */
    APPLICATION("application"),
    /** A client, with {@code POST {base}/publish}. */
    HTTP("http"),
    /** A client, with a WebSocket {@code publish} frame. */
    WEBSOCKET("websocket");

    private final String tag;

    Origin(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** The origin named by {@code ClientPublish.transport()}. */
    public static Origin ofClientTransport(String transport) {
        return "websocket".equals(transport) ? WEBSOCKET : HTTP;
    }
}
