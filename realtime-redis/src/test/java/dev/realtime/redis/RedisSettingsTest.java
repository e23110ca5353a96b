package dev.realtime.redis;

import dev.realtime.spi.MessageBusProvider;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration: defaults, and bad values failing with a message that names the parameter. */
class RedisSettingsTest {

    private static RedisSettings settings(Map<String, String> parameters) {
        try (TestBusContext context = new TestBusContext(10, Duration.ofMinutes(1), parameters)) {
            return RedisSettings.from(context);
        }
    }

    @Test
    void defaults() {
        RedisSettings s = settings(Map.of());
        assertThat(s.uri().getHost()).isEqualTo("localhost");
        assertThat(s.uri().getPort()).isEqualTo(6379);
        assertThat(s.prefix()).isEqualTo("realtime:");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.uri().getTimeout()).as("connection handshake").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void explicitValues() {
        RedisSettings s = settings(Map.of(RedisSettings.URI, "redis://:s3cret@redis.internal:6380/2",
                RedisSettings.PREFIX, "chat:", RedisSettings.TIMEOUT, "PT0.5S"));
        assertThat(s.uri().getHost()).isEqualTo("redis.internal");
        assertThat(s.uri().getPort()).isEqualTo(6380);
        assertThat(s.uri().getDatabase()).isEqualTo(2);
        assertThat(s.prefix()).isEqualTo("chat:");
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.displayUri()).doesNotContain("s3cret").contains("redis.internal:6380");
        assertThat(settings(Map.of(RedisSettings.TIMEOUT, "750")).timeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void anEmptyUriNamesTheParameter() {
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.URI, "  ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.uri");
    }

    @Test
    void anInvalidUriNamesTheParameterAndHidesThePassword() {
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.URI, "http://user:s3cret@host:80")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("realtime.redis.uri")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.URI, "not a uri")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.uri");
    }

    @Test
    void badTimeoutsAndPrefixesNameTheirParameter() {
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.TIMEOUT, "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.timeout");
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.TIMEOUT, "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.timeout");
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.PREFIX, "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.prefix");
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.PREFIX, "a{b}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.prefix");
    }

    @Test
    void aClusterUriListsItsSeedsWithTheirCredentials() {
        RedisSettings s = settings(Map.of(RedisSettings.URI, "redis-cluster://:s3cret@10.0.0.1:7000, 10.0.0.2:7001"));
        assertThat(s.cluster()).isTrue();
        assertThat(s.clusterSeeds()).extracting(u -> u.getHost() + ":" + u.getPort()).containsExactly("10.0.0.1:7000", "10.0.0.2:7001");
        assertThat(s.clusterSeeds()).allSatisfy(u -> assertThat(new String(u.getCredentialsProvider().resolveCredentials()
                .block().getPassword())).isEqualTo("s3cret"));
        assertThat(s.clusterSeeds()).allSatisfy(u -> assertThat(u.isSsl()).isFalse());
        assertThat(s.displayUri()).doesNotContain("s3cret");
        assertThat(settings(Map.of(RedisSettings.URI, "rediss-cluster://h:7000")).clusterSeeds().get(0).isSsl()).isTrue();
        assertThat(settings(Map.of()).cluster()).isFalse();
    }

    @Test
    void aClusterUriWithoutPortsOrWithADatabaseNamesTheParameter() {
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.URI, "redis-cluster://10.0.0.1,10.0.0.2:7000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.uri").hasMessageContaining("port");
        assertThatThrownBy(() -> settings(Map.of(RedisSettings.URI, "redis-cluster://:pw@10.0.0.1:7000/2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("realtime.redis.uri")
                .hasMessageContaining("database").hasMessageNotContaining(":pw@");
    }

    @Test
    void theProviderIsFoundByServiceLoaderAsRedis() {
        assertThat(ServiceLoader.load(MessageBusProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("redis")).findFirst())
                .hasValueSatisfying(p -> assertThat(p).isInstanceOf(RedisBusProvider.class));
    }
}
