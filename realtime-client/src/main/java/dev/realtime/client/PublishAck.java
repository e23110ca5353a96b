package dev.realtime.client;

/**
 * The server's acknowledgement of a publish: the channel and the id of the new message ({@code null}
 * for an ephemeral message, which is never stored).
 */
public record PublishAck(String channel, String id) {}
