package dev.realtime.internal.tickets;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.TicketRequest;
import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.Claim;
import dev.realtime.spi.MessageBus;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Issues connection tickets and admits tickets and resume tokens (docs/wire-protocol-v1.md, version
 * 1.1): signature, expiry, then a ticket's single use, claimed on the bus so that it holds on every
 * node sharing it (in this node's memory when the bus keeps no claims).
 */
public final class Tickets {
    /**
     * A claim outlives its ticket's validity by this much, so a node whose clock runs behind the
     * claiming node's still finds the claim while it would take the ticket as valid.
     */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final TicketCodec codec;
    private final MessageBus bus;
    private final Clock clock;
    private final Duration ttl;
    private final Duration credentialTtl;
    private final LocalClaims localClaims;
    private final SecureRandom random = new SecureRandom();
    private final boolean sharedKey;

    public Tickets(TicketKey key, MessageBus bus, Clock clock, Duration ttl, Duration credentialTtl) {
        this.codec = new TicketCodec(key);
        this.sharedKey = key.configured();
        this.bus = bus;
        this.clock = clock;
        this.ttl = ttl;
        this.credentialTtl = credentialTtl;
        this.localClaims = new LocalClaims(clock);
    }

    /** Whether the key came from configuration, so other nodes may share it. */
    public boolean sharedKey() {
        return sharedKey;
    }

    public String issue(TicketRequest request) {
        ChannelScope scope = ChannelScope.of(request.channels());
        long now = clock.millis();
        long usableUntil = now + (request.validFor() == null ? ttl : request.validFor()).toMillis();
        long credentialExpires = now + (request.credentialFor() == null ? credentialTtl : request.credentialFor()).toMillis();
        return codec.encode(new Credential(false, request.user(), request.roles(), scope, usableUntil, credentialExpires, newId()));
    }

    /**
     * Admits a presented ticket (claiming it) or resume token.
     *
     * @param inUrl whether it came in the query string, where a resume token is refused
     * @throws RealtimeException {@code invalid_ticket}, {@code ticket_expired}, {@code ticket_used},
     *                           {@code credential_expired} or {@code bus_unavailable}
     */
    public Admission admit(String presented, boolean inUrl) {
        Credential c = codec.decode(presented);
        long now = clock.millis();
        if (c.resume()) {
            if (inUrl) {
                throw new RealtimeException(ErrorCode.INVALID_TICKET, "a resume token is never accepted in a URL; send it in the Realtime-Ticket header");
            }
            if (now >= c.credentialExpires()) {
                throw expired();
            }
            return new Admission(c, presented, c.credentialExpires() - now);
        }
        if (now >= c.usableUntil()) {
            throw new RealtimeException(ErrorCode.TICKET_EXPIRED, "the ticket has expired; get a new one");
        }
        if (now >= c.credentialExpires()) {
            throw expired();
        }
        if (!claim(c, now)) {
            throw new RealtimeException(ErrorCode.TICKET_USED, "the ticket was used before; get a new one");
        }
        String token = codec.encode(new Credential(true, c.user(), c.roles(), c.scope(), c.credentialExpires(),
                c.credentialExpires(), newId()));
        return new Admission(c, token, c.credentialExpires() - now);
    }

    private boolean claim(Credential c, long now) {
        long until = c.usableUntil() + CLOCK_SKEW.toMillis();
        Claim claim;
        try {
            claim = bus.claimOnce("ticket:" + c.id(), Duration.ofMillis(until - now));
        } catch (BusUnavailableException e) {
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "tickets cannot be checked while the message bus is unavailable; retry shortly");
        }
        return switch (claim) {
            case CLAIMED -> true;
            case ALREADY_CLAIMED -> false;
            case NOT_SHARED -> localClaims.claim(c.id(), until);
        };
    }

    public static RealtimeException expired() {
        return new RealtimeException(ErrorCode.CREDENTIAL_EXPIRED, "the credential has expired; connect again with a new ticket");
    }

    /** 128 random bits. */
    private String newId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    int localClaims() {
        return localClaims.size();
    }
}
