package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The name rules of docs/wire-protocol-v1.md ("Channels", "Message"), at their edges. */
class NamesTest {

    @Test
    void aChannelTakesOneTo128CharactersOfItsAlphabet() {
        assertThat(Names.channel("room:42")).isEqualTo("room:42");
        assertThat(Names.channel("a_b.c:d@e/f-g")).isEqualTo("a_b.c:d@e/f-g");
        assertThat(Names.channel("x".repeat(128))).hasSize(128);
        assertCode(() -> Names.channel("x".repeat(129)), ErrorCode.INVALID_CHANNEL);
        assertCode(() -> Names.channel("room 42"), ErrorCode.INVALID_CHANNEL);
        assertCode(() -> Names.channel("caf\u00e9"), ErrorCode.INVALID_CHANNEL);
    }

    @Test
    void aMissingChannelHasItsOwnCode() {
        assertCode(() -> Names.channel(null), ErrorCode.MISSING_CHANNEL);
        assertCode(() -> Names.channel(""), ErrorCode.MISSING_CHANNEL);
    }

    @Test
    void anEventDefaultsToMessageAndRefusesReservedNames() {
        assertThat(Names.event(null)).isEqualTo("message");
        assertThat(Names.event("")).isEqualTo("message");
        assertThat(Names.event("x".repeat(64))).hasSize(64);
        assertCode(() -> Names.event("x".repeat(65)), ErrorCode.INVALID_EVENT);
        assertCode(() -> Names.event("a/b"), ErrorCode.INVALID_EVENT);
        for (String reserved : new String[] {"gap", "error", "open", "close", "heartbeat"}) {
            assertCode(() -> Names.event(reserved), ErrorCode.INVALID_EVENT);
        }
        assertThat(Names.event("Gap")).as("reserved names are exactly lower case").isEqualTo("Gap");
    }

    @Test
    void anIdempotencyKeyIsOptionalButNeverEmpty() {
        assertThat(Names.idempotencyKey(null)).isNull();
        assertThat(Names.idempotencyKey("k-1.a:b_c")).isEqualTo("k-1.a:b_c");
        assertCode(() -> Names.idempotencyKey(""), ErrorCode.INVALID_IDEMPOTENCY_KEY);
        assertCode(() -> Names.idempotencyKey("x".repeat(129)), ErrorCode.INVALID_IDEMPOTENCY_KEY);
        assertCode(() -> Names.idempotencyKey("a/b"), ErrorCode.INVALID_IDEMPOTENCY_KEY);
    }

    @Test
    void echoedInputIsShortAndFreeOfControlCharacters() {
        assertThat(Names.printable("a\nb\u0000c")).isEqualTo("a?b?c");
        assertThat(Names.printable("x".repeat(50))).isEqualTo("x".repeat(40) + "...");
    }

    private static void assertCode(Runnable call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RealtimeException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
