package dev.realtime.client;

/**
 * A member of a channel's presence (protocol 1.1).
 *
 * @param member the member id
 * @param info   its info as JSON text ({@code null} is the text {@code "null"})
 */
public record PresenceMember(String member, String info) {}
