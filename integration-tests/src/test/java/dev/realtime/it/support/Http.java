package dev.realtime.it.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small JDK HttpClient wrapper for black-box tests. */
public final class Http {
    public final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URL base;

    public Http(URL base) {
        this.base = base;
    }

    public URI uri(String pathAndQuery) {
        return URI.create(base.toString().replaceAll("/$", "") + pathAndQuery);
    }

    /** The WebSocket endpoint, {@code ws://.../realtime/ws} plus the query (which starts with '?', or is empty). */
    public URI ws(String query) {
        return URI.create(uri("/realtime/ws" + query).toString().replaceFirst("^http", "ws"));
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    public HttpResponse<String> publish(String channel, String json) {
        return send(HttpRequest.newBuilder(uri("/realtime/publish?channel=" + enc(channel)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    public static JsonObject json(HttpResponse<String> response) {
        return json(response.body());
    }
}
