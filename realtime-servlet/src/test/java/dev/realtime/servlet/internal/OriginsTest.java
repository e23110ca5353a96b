package dev.realtime.servlet.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The origin rule without a request object: an origin and the Host header it was sent to. */
class OriginsTest {
    private final Origins none = new Origins(List.of());

    @Test
    void theSameOriginIsAllowedWithOrWithoutItsDefaultPort() {
        assertThat(none.allowed("http://example.com", "example.com")).isTrue();
        assertThat(none.allowed("http://example.com", "example.com:80")).isTrue();
        assertThat(none.allowed("https://example.com", "example.com")).isTrue();
        assertThat(none.allowed("https://example.com", "example.com:443")).isTrue();
        assertThat(none.allowed("http://localhost:8080", "localhost:8080")).isTrue();
        assertThat(none.allowed("HTTP://Example.COM", "EXAMPLE.com")).as("case does not matter").isTrue();
    }

    @Test
    void anotherHostOrPortIsRefused() {
        assertThat(none.allowed("http://evil.example", "example.com")).isFalse();
        assertThat(none.allowed("http://example.com:8080", "example.com")).isFalse();
        assertThat(none.allowed("http://example.com", "example.com:8080")).isFalse();
        assertThat(none.allowed("https://example.com", "example.com:80")).isFalse();
        assertThat(none.allowed("http://example.com.evil.example", "example.com")).isFalse();
    }

    @Test
    void withoutAHostOrWithAnUnreadableOriginNothingButTheListPasses() {
        assertThat(none.allowed("http://example.com", null)).isFalse();
        assertThat(none.allowed("null", "example.com")).as("the opaque origin of a sandboxed page").isFalse();
        assertThat(none.allowed("http://exa mple.com", "example.com")).isFalse();
        assertThat(none.allowed("", "example.com")).isFalse();
    }

    @Test
    void listedOriginsPassWhateverTheHostAndAStarPassesAll() {
        Origins listed = new Origins(List.of("https://App.Example"));
        assertThat(listed.allowed("https://app.example", "api.example")).isTrue();
        assertThat(listed.allowed("https://app.example", null)).isTrue();
        assertThat(listed.allowed("https://other.example", "api.example")).isFalse();
        assertThat(new Origins(List.of("*")).allowed("https://anything.example", null)).isTrue();
    }
}
