package dev.realtime.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    static Settings of(Map<String, String> params) {
        return new Settings(params::get);
    }

    @Test
    void defaultsAreTheProtocolsDefaults() {
        Settings s = of(Map.of());
        assertThat(s.basePath).isEqualTo("/realtime");
        assertThat(s.autoRegister).isTrue();
        assertThat(s.historySize).isEqualTo(1000);
        assertThat(s.historyAge).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.pollTimeout).isEqualTo(Duration.ofSeconds(25));
        assertThat(s.sseRetry).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.heartbeatInterval).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.wsPingInterval).isEqualTo(Duration.ofSeconds(25));
        assertThat(s.messageMaxSize).isEqualTo(65536);
        assertThat(s.wsMaxFrameSize).isEqualTo(131072);
        assertThat(s.channelsMax).isEqualTo(64);
        assertThat(s.queuePolicy).isEqualTo(Settings.QueuePolicy.DISCONNECT);
        assertThat(s.allowedOrigins).isEmpty();
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(s.historyMaxBytes).isEqualTo(Math.max(16L << 20, Math.min(1L << 30, heap / 4)));
        assertThat(s.idempotencyMaxKeys).isEqualTo(1000);
        assertThat(s.idempotencyMaxBytes).isEqualTo(Math.max(4L << 20, Math.min(128L << 20, heap / 32)));
    }

    @Test
    void durationsTakeUnits() {
        assertThat(Settings.parseDuration("1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Settings.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Settings.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Settings.parseDuration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Settings.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Settings.parseDuration("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(of(Map.of("realtime.allowedOrigins", "https://a.example, https://b.example")).allowedOrigins)
                .containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void badValuesStopStartUpNamingTheParameter() {
        assertBad("realtime.history.size", "many");
        assertBad("realtime.history.size", "0");
        assertBad("realtime.history.maxAge", "ten minutes");
        assertBad("realtime.heartbeat.interval", "0");
        assertBad("realtime.basePath", "realtime");
        assertBad("realtime.basePath", "/realtime/");
        assertBad("realtime.autoRegister", "yes");
        assertBad("realtime.queue.policy", "block");
        assertBad("realtime.history.maxBytes", "1000");
        assertBad("realtime.idempotency.maxKeys", "0");
        assertBad("realtime.idempotency.maxBytes", "lots");
        assertThat(of(Map.of("realtime.history.maxBytes", "8_000_000_000")).historyMaxBytes).isEqualTo(8_000_000_000L);
        assertThatThrownBy(() -> of(Map.of("realtime.poll.timeout", "90s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("realtime.poll.maxTimeout");
    }

    private static void assertBad(String name, String value) {
        assertThatThrownBy(() -> of(Map.of(name, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(name)
                .hasMessageContaining(value);
    }
}
