package dev.realtime.internal.tickets;

import java.util.List;

/**
 * What a ticket or resume token says, once its signature was checked.
 *
 * @param resume            a resume token (many uses until the credential expires), not a ticket (one use)
 * @param user              the principal name
 * @param roles             what {@code isUserInRole} answers true for
 * @param scope             the channels it may subscribe to
 * @param usableUntil       epoch millis: a ticket's last moment of use; a token's is its credential's expiry
 * @param credentialExpires epoch millis: when a connection it opens stops being authenticated
 * @param id                random, unique per ticket: what is claimed so the ticket is used once
 */
public record Credential(boolean resume, String user, List<String> roles, ChannelScope scope, long usableUntil,
                         long credentialExpires, String id) {

    /** Never the id or any signed text: a log line must not help anyone present it. */
    @Override
    public String toString() {
        return (resume ? "ResumeToken" : "Ticket") + "[user=" + user + ", roles=" + roles + ", channels=" + scope.entries() + "]";
    }
}
