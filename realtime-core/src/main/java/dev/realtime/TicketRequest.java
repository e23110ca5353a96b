package dev.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a connection ticket grants, for {@link Realtime#issueTicket}: a user, optionally the user's
 * roles (what {@link AccessRequest#isUserInRole} answers for connections the ticket opens) and the
 * channels it may subscribe to (exact names, or prefixes written {@code "user:ann:*"}), how long the
 * ticket may wait to be used, and how long the connection it opens stays authenticated before the
 * client must refresh it. Immutable.
 *
 * <pre>{@code
 * String ticket = realtime.issueTicket(TicketRequest.forUser(principal.getName())
 *         .withRoles("staff")
 *         .withChannels("room:*", "user:" + principal.getName() + ":*")
 *         .credentialFor(Duration.ofMinutes(15)));
 * }</pre>
 */
public final class TicketRequest {
    private final String user;
    private final List<String> roles;
    private final List<String> channels;
    private final Duration validFor;
    private final Duration credentialFor;

    private TicketRequest(String user, List<String> roles, List<String> channels, Duration validFor, Duration credentialFor) {
        this.user = user;
        this.roles = roles;
        this.channels = channels;
        this.validFor = validFor;
        this.credentialFor = credentialFor;
    }

    /** A ticket for {@code user} (the principal name the {@link Authorizer} will see), any channel, default times. */
    public static TicketRequest forUser(String user) {
        Objects.requireNonNull(user, "user");
        if (user.isBlank()) {
            throw new IllegalArgumentException("a ticket needs a user name");
        }
        return new TicketRequest(user, List.of(), List.of(), null, null);
    }

    /** The roles {@link AccessRequest#isUserInRole} answers {@code true} for. */
    public TicketRequest withRoles(String... roles) {
        return new TicketRequest(user, List.of(roles), channels, validFor, credentialFor);
    }

    /**
     * Restricts subscriptions to these channels: names, or prefixes ending in {@code *}. Without
     * this, the {@link Authorizer} alone decides.
     */
    public TicketRequest withChannels(String... channels) {
        return new TicketRequest(user, roles, List.of(channels), validFor, credentialFor);
    }

    /** How long the ticket may wait to be used (default {@code realtime.ticket.ttl}, 30 s). */
    public TicketRequest validFor(Duration validFor) {
        return new TicketRequest(user, roles, channels, positive(validFor), credentialFor);
    }

    /**
     * How long, from now, a connection the ticket opens stays authenticated before the client must
     * refresh it with a new ticket (default {@code realtime.ticket.credentialTtl}, 1 h). Give the
     * remaining lifetime of the user's own session or token, so rights are re-checked as often.
     */
    public TicketRequest credentialFor(Duration credentialFor) {
        return new TicketRequest(user, roles, channels, validFor, positive(credentialFor));
    }

    public String user() {
        return user;
    }

    public List<String> roles() {
        return roles;
    }

    /** Channel names and prefixes; empty: not restricted by the ticket. */
    public List<String> channels() {
        return channels;
    }

    /** Null: the configured default. */
    public Duration validFor() {
        return validFor;
    }

    /** Null: the configured default. */
    public Duration credentialFor() {
        return credentialFor;
    }

    private static Duration positive(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a ticket duration must be positive: " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "TicketRequest[user=" + user + ", roles=" + roles + ", channels=" + channels + "]";
    }
}
