package dev.realtime.client.internal;

import dev.realtime.client.PublishAck;
import dev.realtime.client.RealtimeException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST {base}/publish} with an {@code Idempotency-Key}. An I/O error, a timeout, {@code
 * 429}, {@code 500}, {@code 502}, {@code 503} or {@code 504} is retried with the same key after a
 * backoff delay (or the {@code Retry-After} the server asked for, capped at the maximum backoff),
 * so a publish that did reach the server is not published twice.
 */
final class HttpPublisher {

    private final HttpClient http;
    private final URI base;
    private final Map<String, String> headers;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final ScheduledExecutorService scheduler;

    HttpPublisher(HttpClient http, URI base, Map<String, String> headers, Duration readTimeout, int maxAttempts,
            Duration backoffInitial, Duration backoffMax, ScheduledExecutorService scheduler) {
        this.http = http;
        this.base = base;
        this.headers = headers;
        this.readTimeout = readTimeout;
        this.maxAttempts = maxAttempts;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.scheduler = scheduler;
    }

    CompletableFuture<PublishAck> publish(String channel, String event, String json, String idempotencyKey) {
        return publish(channel, event, json, idempotencyKey, false);
    }

    /** With {@code ephemeral} (protocol 1.1) the message is delivered live only; its ack has no id. */
    CompletableFuture<PublishAck> publish(String channel, String event, String json, String idempotencyKey, boolean ephemeral) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("event", event);
        params.put("ephemeral", ephemeral ? "true" : null);
        HttpRequest request = Http.withHeaders(
                        HttpRequest.newBuilder(Http.uri(base, "publish", List.of(channel), params)), headers)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .timeout(readTimeout)
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<PublishAck> result = new CompletableFuture<>();
        attempt(request, new Backoff(backoffInitial, backoffMax), 1, result);
        return result;
    }

    private void attempt(HttpRequest request, Backoff backoff, int attempt, CompletableFuture<PublishAck> result) {
        if (result.isDone()) {
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .whenComplete((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        if (cause instanceof IOException && attempt < maxAttempts) {
                            retry(request, backoff, attempt, result, backoff.nextDelayMillis(), cause);
                        } else {
                            result.completeExceptionally(cause instanceof RealtimeException re ? re
                                    : new RealtimeException(0, ErrorCodes.UNAVAILABLE,
                                            "no answer after " + attempt + " attempt(s): " + cause, cause));
                        }
                        return;
                    }
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        try {
                            JsonObject o = Json.object(response.body());
                            result.complete(new PublishAck(Json.string(o, "channel"), Json.string(o, "id")));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(new RealtimeException(status, ErrorCodes.HTTP_ERROR,
                                    "unreadable publish answer: " + response.body(), e));
                        }
                        return;
                    }
                    RealtimeException e = Http.error(status, response.body());
                    boolean retryable = status == 429 || status == 500 || status == 502 || status == 503
                            || status == 504;
                    if (retryable && attempt < maxAttempts) {
                        long delay = backoff.nextDelayMillis();
                        long retryAfter = response.headers().firstValue("Retry-After")
                                .map(HttpPublisher::seconds).orElse(-1L);
                        if (retryAfter >= 0) {
                            delay = Math.min(backoffMax.toMillis(), Math.max(delay, retryAfter * 1000));
                        }
                        retry(request, backoff, attempt, result, delay, e);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
    }

    private void retry(HttpRequest request, Backoff backoff, int attempt, CompletableFuture<PublishAck> result,
            long delayMillis, Throwable cause) {
        try {
            scheduler.schedule(() -> attempt(request, backoff, attempt + 1, result), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(new RealtimeException(0, ErrorCodes.CLOSED,
                    "the client was closed before the publish could be retried", cause));
        }
    }

    private static long seconds(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException httpDate) {
            return -1;
        }
    }
}
