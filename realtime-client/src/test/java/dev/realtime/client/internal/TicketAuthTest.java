package dev.realtime.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.realtime.client.RealtimeException;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each request presents, and when the credential is refreshed or forgotten. */
class TicketAuthTest {
    final AtomicInteger issued = new AtomicInteger();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> refreshedWith = new CompletableFuture<>();
    final TicketAuth auth = new TicketAuth(() -> "ticket-" + issued.incrementAndGet(), errors::add, refreshedWith::complete);

    @AfterEach
    void close() {
        auth.close();
    }

    static HttpHeaders headers(Map<String, List<String>> map) {
        return HttpHeaders.of(map, (a, b) -> true);
    }

    String next() throws Exception {
        return auth.credential().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aTicketForEachRequestUntilATokenArrivesThenTheTokenThenAWaitingRefreshTicketOnce() throws Exception {
        assertThat(next()).isEqualTo("ticket-1");
        assertThat(next()).isEqualTo("ticket-2"); // no token yet: every request gets its own single-use ticket
        auth.answered(200, headers(Map.of("Realtime-Token", List.of("token-a"), "Realtime-Expires-In", List.of("60000"))), "ticket-1");
        assertThat(next()).isEqualTo("token-a");
        assertThat(next()).isEqualTo("token-a");
        auth.offer("refresh-ticket");
        assertThat(next()).isEqualTo("refresh-ticket");
        assertThat(next()).isEqualTo("token-a");
        assertThat(issued).hasValue(2);
    }

    @Test
    void anOlderTokenArrivingLateDoesNotReplaceANewerOne() throws Exception {
        auth.accept("newer", 60_000);
        auth.accept("older", 30_000);
        assertThat(next()).isEqualTo("newer");
    }

    @Test
    void a401ForgetsTheTokenItRefusedOnlyAndAnExpiryForgetsAll() throws Exception {
        auth.accept("token-a", 60_000);
        auth.answered(401, headers(Map.of()), "some-old-token");
        assertThat(next()).isEqualTo("token-a");
        auth.answered(401, headers(Map.of()), "token-a");
        assertThat(next()).isEqualTo("ticket-1");
        auth.accept("token-b", 60_000);
        auth.forget();
        assertThat(next()).isEqualTo("ticket-2");
    }

    @Test
    void theSameTokenComingBackWithEveryAnswerDoesNotPostponeTheRefresh() {
        auth.accept("token-a", 10_000); // refresh in 5 s
        auth.accept("token-a", 4_000); // a later poll's answer: the same credential, less time left
        assertThat(auth.refreshInMillis()).as("still about 5 s, not pushed to half of the 4 s left").isGreaterThan(4_000);
        auth.accept("token-b", 30_000); // a new credential (a refresh): its own refresh, halfway
        assertThat(auth.refreshInMillis()).isGreaterThan(14_000).isLessThanOrEqualTo(15_000);
    }

    @Test
    void theCredentialIsRefreshedHalfwayThroughItsLifetime() throws Exception {
        long start = System.nanoTime();
        auth.accept("token-a", 600);
        assertThat(refreshedWith.get(5, TimeUnit.SECONDS)).isEqualTo("ticket-1");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aFailingSourceFailsTheRequestWithNoTicket() throws Exception {
        TicketAuth failing = new TicketAuth(() -> {
            throw new IllegalStateException("down");
        }, errors::add, t -> {});
        try {
            assertThatThrownBy(() -> failing.credential().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RealtimeException.class, e -> assertThat(e.code()).isEqualTo("no_ticket"));
        } finally {
            failing.close();
        }
    }
}
