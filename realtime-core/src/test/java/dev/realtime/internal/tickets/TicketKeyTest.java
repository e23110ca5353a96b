package dev.realtime.internal.tickets;

import dev.realtime.internal.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the signing key comes from, and that no error message ever quotes it. */
class TicketKeyTest {
    static final String P = "realtime.ticket.key";
    static final String SECRET = "0123456789abcdef0123456789abcdef-secret";

    static byte[] signature(TicketKey k) {
        return k.sign(new byte[]{1, 2, 3});
    }

    @Test
    void theSameSecretGivenLiterallyFromTheEnvironmentOrAFileSignsAlike(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, SECRET + "\n");
        TicketKey literal = TicketKey.from(P, Optional.of(SECRET), name -> null);
        TicketKey env = TicketKey.from(P, Optional.of("env:RT_KEY"), Map.of("RT_KEY", SECRET)::get);
        TicketKey fromFile = TicketKey.from(P, Optional.of("file:" + file), name -> null);
        assertThat(literal.configured()).isTrue();
        assertThat(signature(env)).isEqualTo(signature(literal));
        assertThat(signature(fromFile)).isEqualTo(signature(literal));
        assertThat(literal.toString()).doesNotContain(SECRET);
    }

    @Test
    void withoutConfigurationEachStartDrawsItsOwn() {
        TicketKey a = TicketKey.from(P, Optional.empty(), name -> null);
        TicketKey b = TicketKey.from(P, Optional.empty(), name -> null);
        assertThat(a.configured()).isFalse();
        assertThat(signature(a)).isNotEqualTo(signature(b));
    }

    @Test
    void aShortMissingOrUnreadableKeyStopsStartUpWithoutQuotingIt(@TempDir Path dir) {
        assertThatThrownBy(() -> TicketKey.from(P, Optional.of("short-secret"), name -> null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(P).hasMessageContaining("32 bytes")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> TicketKey.from(P, Optional.of("env:NOPE"), name -> null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("NOPE");
        assertThatThrownBy(() -> TicketKey.from(P, Optional.of("file:" + dir.resolve("missing")), name -> null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be read");
    }
}
