package dev.realtime.internal.tickets;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.TicketRequest;
import dev.realtime.internal.MemoryBusProvider;
import dev.realtime.spi.Claim;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issuing and admitting tickets and resume tokens, on a test clock: every refusal with its code. */
class TicketsTest {
    static final String SHARED = "a shared secret of at least thirty-two bytes";
    final TestBusContext ctx = new TestBusContext(10, Duration.ofMinutes(10), Map.of());
    final MessageBus bus = new MemoryBusProvider().create(ctx);
    final TestBusContext.MutableClock clock = ctx.clock();

    @AfterEach
    void close() {
        bus.close();
        ctx.close();
    }

    Tickets node(String key) {
        return node(key, bus);
    }

    Tickets node(String key, MessageBus on) {
        return new Tickets(TicketKey.from("realtime.ticket.key", Optional.ofNullable(key), name -> null), on, clock,
                Duration.ofSeconds(30), Duration.ofHours(1));
    }

    static void refused(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(RealtimeException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aTicketAdmitsOnceWithItsUserRolesAndChannelsAndGivesAResumeToken() {
        Tickets t = node(null);
        String ticket = t.issue(TicketRequest.forUser("ann").withRoles("staff").withChannels("room:1", "user:ann:*")
                .credentialFor(Duration.ofMinutes(15)));
        assertThat(ticket).matches("[A-Za-z0-9._-]+").doesNotContain("ann");

        Admission a = t.admit(ticket, false);
        assertThat(a.user()).isEqualTo("ann");
        assertThat(a.credential().roles()).containsExactly("staff");
        assertThat(a.credential().scope().allows("room:1")).isTrue();
        assertThat(a.credential().scope().allows("user:ann:inbox")).isTrue();
        assertThat(a.credential().scope().allows("room:2")).isFalse();
        assertThat(a.expiresIn()).isEqualTo(Duration.ofMinutes(15).toMillis());
        assertThat(a.token()).isNotEqualTo(ticket);
        assertThat(a.toString()).doesNotContain(ticket).doesNotContain(a.token());

        refused(() -> t.admit(ticket, false), ErrorCode.TICKET_USED);
    }

    @Test
    void aTicketUsedTooLateIsExpiredAndItsValidityIsTheIssuers() {
        Tickets t = node(null);
        String standard = t.issue(TicketRequest.forUser("ann"));
        String brief = t.issue(TicketRequest.forUser("ann").validFor(Duration.ofSeconds(2)));
        clock.advance(Duration.ofSeconds(2));
        refused(() -> t.admit(brief, false), ErrorCode.TICKET_EXPIRED);
        clock.advance(Duration.ofSeconds(27));
        assertThat(t.admit(standard, false).user()).isEqualTo("ann"); // 29 s: still valid
        String late = t.issue(TicketRequest.forUser("bob"));
        clock.advance(Duration.ofSeconds(30));
        refused(() -> t.admit(late, false), ErrorCode.TICKET_EXPIRED);
    }

    @Test
    void aWrongSignatureATamperedPayloadAndGarbageAreInvalid() {
        Tickets t = node(SHARED);
        Tickets other = node("another secret, also thirty-two bytes or more");
        refused(() -> t.admit(other.issue(TicketRequest.forUser("ann")), false), ErrorCode.INVALID_TICKET);

        String ticket = t.issue(TicketRequest.forUser("ann"));
        String[] parts = ticket.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"ann\"", "\"eve\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
        refused(() -> t.admit(forged, false), ErrorCode.INVALID_TICKET);
        for (String garbage : List.of("", "rt1.", "rt1..", "rt1.x.y", "hello", "rt1." + "A".repeat(9000) + ".x", parts[0] + "." + parts[1])) {
            refused(() -> t.admit(garbage, false), ErrorCode.INVALID_TICKET);
        }
        assertThat(t.admit(ticket, false).user()).isEqualTo("ann"); // the real one still works once
    }

    @Test
    void anotherNodesTicketIsAcceptedWithTheSharedKeyOnlyAndItsResumeTokenToo() {
        Tickets a = node(SHARED);
        Tickets b = node(SHARED);
        Tickets lone = node(null);
        String ticket = a.issue(TicketRequest.forUser("ann"));
        refused(() -> lone.admit(ticket, false), ErrorCode.INVALID_TICKET);
        Admission onB = b.admit(ticket, false);
        assertThat(onB.user()).isEqualTo("ann");
        assertThat(a.admit(onB.token(), false).user()).isEqualTo("ann");
    }

    @Test
    void aBusWithoutSharedClaimsLetsATicketBeUsedOncePerNodeAndOneWithClaimsOnceInAll() {
        Tickets a = node(SHARED);
        Tickets b = node(SHARED);
        String ticket = a.issue(TicketRequest.forUser("ann"));
        a.admit(ticket, false);
        refused(() -> a.admit(ticket, false), ErrorCode.TICKET_USED);
        assertThat(b.admit(ticket, false).user()).isEqualTo("ann"); // the memory bus shares nothing: documented

        MessageBus sharing = new ClaimingBus(bus);
        Tickets c = node(SHARED, sharing);
        Tickets d = node(SHARED, sharing);
        String once = c.issue(TicketRequest.forUser("ann"));
        d.admit(once, false);
        refused(() -> c.admit(once, false), ErrorCode.TICKET_USED);
        assertThat(c.localClaims()).isZero();
    }

    @Test
    void aResumeTokenServesManyTimesUntilTheCredentialExpiresButNeverFromAUrl() {
        Tickets t = node(null);
        Admission first = t.admit(t.issue(TicketRequest.forUser("ann").credentialFor(Duration.ofMinutes(5))), false);
        for (int i = 0; i < 3; i++) {
            Admission again = t.admit(first.token(), false);
            assertThat(again.user()).isEqualTo("ann");
            assertThat(again.credential().resume()).isTrue();
        }
        clock.advance(Duration.ofMinutes(4));
        assertThat(t.admit(first.token(), false).expiresIn()).isEqualTo(Duration.ofMinutes(1).toMillis());
        refused(() -> t.admit(first.token(), true), ErrorCode.INVALID_TICKET);
        clock.advance(Duration.ofMinutes(1));
        refused(() -> t.admit(first.token(), false), ErrorCode.CREDENTIAL_EXPIRED);
    }

    @Test
    void badIssuesAreTheApplicationsMistake() {
        Tickets t = node(null);
        assertThatThrownBy(() -> t.issue(TicketRequest.forUser("ann").withChannels("bad channel"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TicketRequest.forUser(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TicketRequest.forUser("ann").validFor(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.admit(t.issue(TicketRequest.forUser("ann").withChannels("*")), false).credential().scope().allows("x")).isTrue();
    }

    @Test
    void localClaimsAreForgottenOnceTheirTicketsExpired() {
        Tickets t = node(null);
        for (int i = 0; i < 1000; i++) {
            t.admit(t.issue(TicketRequest.forUser("u" + i)), false);
        }
        assertThat(t.localClaims()).isEqualTo(1000);
        clock.advance(Duration.ofSeconds(30).plus(Tickets.CLOCK_SKEW).plusMillis(1));
        for (int i = 0; i < 24; i++) {
            t.admit(t.issue(TicketRequest.forUser("v" + i)), false);
        }
        assertThat(t.localClaims()).isEqualTo(24); // the 1,024th claim swept the expired ones
    }

    /** A bus whose claims are shared, as Redis's are (checked against a real Redis in the Redis module). */
    static final class ClaimingBus implements MessageBus {
        private final MessageBus delegate;
        private final Set<String> claimed = ConcurrentHashMap.newKeySet();

        ClaimingBus(MessageBus delegate) {
            this.delegate = delegate;
        }

        @Override
        public Claim claimOnce(String key, Duration ttl) {
            return claimed.add(key) ? Claim.CLAIMED : Claim.ALREADY_CLAIMED;
        }

        @Override
        public String epoch() {
            return delegate.epoch();
        }

        @Override
        public dev.realtime.spi.Published publish(String channel, String event, String data, String key) {
            return delegate.publish(channel, event, data, key);
        }

        @Override
        public dev.realtime.spi.HistoryPage read(String channel, String epoch, long after, int limit) {
            return delegate.read(channel, epoch, after, limit);
        }

        @Override
        public long head(String channel) {
            return delegate.head(channel);
        }

        @Override
        public dev.realtime.spi.BusSubscription subscribe(String channel, dev.realtime.spi.BusListener listener) {
            return delegate.subscribe(channel, listener);
        }

        @Override
        public void close() {
        }
    }
}
