package dev.realtime;

import java.util.Objects;

/**
 * A member of a channel's presence (protocol 1.1).
 *
 * @param member the member id (the user's name, or the id the client named, as the Authorizer allowed)
 * @param info   the member's info as compact JSON text ({@code null} is the text {@code "null"})
 */
public record PresenceMember(String member, String info) {
    public PresenceMember {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(info, "info");
    }
}
