package dev.realtime.protocol;

/** The {@code type} of every WebSocket frame (docs/wire-protocol-v1.md, "WebSocket"). */
public final class FrameTypes {
    // client to server
    public static final String SUBSCRIBE = "subscribe";
    public static final String UNSUBSCRIBE = "unsubscribe";
    public static final String PUBLISH = "publish";
    public static final String PING = "ping";
    /** A ticket or resume token for the open connection (version 1.1). */
    public static final String AUTH = "auth";
    /** Presence (version 1.1): join or leave a channel's presence, ask for its members. */
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String MEMBERS = "members";

    // server to client
    public static final String MESSAGE = "message";
    public static final String GAP = "gap";
    public static final String SUBSCRIBED = "subscribed";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String ACK = "ack";
    public static final String ERROR = "error";
    public static final String PONG = "pong";
    /** The connection's resume token and its lifetime (version 1.1). */
    public static final String AUTHENTICATED = "authenticated";
    /** Presence (version 1.1): a join or leave answered, a presence event (members answer as {@link #MEMBERS}). */
    public static final String JOINED = "joined";
    public static final String LEFT = "left";
    public static final String PRESENCE = "presence";

    private FrameTypes() {
    }
}
