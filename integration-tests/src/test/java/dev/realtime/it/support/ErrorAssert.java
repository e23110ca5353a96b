package dev.realtime.it.support;

import jakarta.json.JsonObject;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks the protocol's JSON error answers. */
public final class ErrorAssert {
    private ErrorAssert() {
    }

    public static void assertError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        JsonObject body = Http.json(r);
        assertThat(body.getString("error")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
    }

    /** The HTTP answer to a refused handshake, as the JDK client reports it. */
    public static HttpResponse<String> handshakeRefusal(Runnable connect) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(connect::run);
        assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        HttpResponse<?> r = ((java.net.http.WebSocketHandshakeException) t.getCause()).getResponse();
        String body = r.body() instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(r.body());
        return new HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public java.net.http.HttpRequest request() { return r.request(); }
            public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public String body() { return body; }
            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
            public URI uri() { return r.uri(); }
            public java.net.http.HttpClient.Version version() { return r.version(); }
        };
    }

}
