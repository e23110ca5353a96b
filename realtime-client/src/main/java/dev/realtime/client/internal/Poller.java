package dev.realtime.client.internal;

import dev.realtime.client.Message;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code GET {base}/poll} request. All polls of a client go through its one {@link
 * HttpClient} (HTTP/1.1, keep-alive), so they reuse pooled connections.
 */
final class Poller {

    /** One answer: {@code {"messages":[...],"cursor":"...","gaps":[...]}}. */
    record Result(List<Message> messages, String cursor, List<String> gaps, List<Refusal> refused, List<JsonObject> presence) {}

    /** A requested channel the credential does not allow (version 1.1). */
    record Refusal(String channel, String code, String message) {}

    private final HttpClient http;
    private final URI base;
    private final Map<String, String> headers;
    private final Duration readTimeout;

    Poller(HttpClient http, URI base, Map<String, String> headers, Duration readTimeout) {
        this.http = http;
        this.base = base;
        this.headers = headers;
        this.readTimeout = readTimeout;
    }

    /**
     * Polls; the future fails with {@link dev.realtime.client.RealtimeException} for an HTTP error
     * answer, or with the I/O error.
     */
    CompletableFuture<Result> poll(Collection<String> channels, String since, long timeoutMillis) {
        return send(channels, since, timeoutMillis).thenApply(Poller::parse);
    }

    /** The raw request; cancelling this future aborts the exchange. */
    CompletableFuture<HttpResponse<String>> send(Collection<String> channels, String since, long timeoutMillis) {
        return send(channels, since, timeoutMillis, List.of());
    }

    /** With the presence parameters of protocol 1.1 ({@code live}). */
    CompletableFuture<HttpResponse<String>> send(Collection<String> channels, String since, long timeoutMillis,
                                                 List<Map.Entry<String, String>> live) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("since", since);
        params.put("timeout", Long.toString(timeoutMillis));
        HttpRequest request = Http.withHeaders(HttpRequest.newBuilder(Http.uri(base, "poll", channels, params, live)), headers)
                .header("Accept", "application/json")
                .timeout(readTimeout.plusMillis(timeoutMillis))
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static Result parse(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw Http.error(response.statusCode(), response.body());
        }
        try {
            JsonObject o = Json.object(response.body());
            List<Message> messages = new ArrayList<>();
            JsonArray ms = o.getJsonArray("messages");
            if (ms != null) {
                for (JsonValue v : ms) {
                    messages.add(Json.message(v.asJsonObject()));
                }
            }
            List<String> gaps = new ArrayList<>();
            JsonArray gs = o.getJsonArray("gaps");
            if (gs != null) {
                for (int i = 0; i < gs.size(); i++) {
                    gaps.add(gs.getString(i));
                }
            }
            List<Refusal> refused = new ArrayList<>();
            JsonArray rs = o.getJsonArray("refused");
            if (rs != null) {
                for (JsonValue v : rs) {
                    JsonObject r = v.asJsonObject();
                    refused.add(new Refusal(Json.string(r, "channel"), Json.string(r, "code"), Json.string(r, "message")));
                }
            }
            List<JsonObject> presence = new ArrayList<>();
            JsonArray ps = o.getJsonArray("presence");
            if (ps != null) {
                for (JsonValue v : ps) {
                    presence.add(v.asJsonObject());
                }
            }
            return new Result(messages, Json.string(o, "cursor"), gaps, refused, presence);
        } catch (RuntimeException e) {
            throw new java.io.UncheckedIOException(new IOException("unreadable poll answer: " + response.body(), e));
        }
    }
}
