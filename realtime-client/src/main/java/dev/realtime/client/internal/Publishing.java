package dev.realtime.client.internal;

import dev.realtime.client.PublishAck;
import dev.realtime.client.PublishMode;
import dev.realtime.client.RealtimeException;
import jakarta.json.bind.Jsonb;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Publishing: checks the arguments, then sends over HTTP, or over the open WebSocket when the
 * configuration asks for it. A WebSocket publish waits for its {@code ack}; if the socket closes
 * first it is sent again over HTTP with the same idempotency key, so it is published once whatever
 * happened. Public calls come from any thread; the WebSocket part is confined to the {@link Loop}.
 */
final class Publishing {

    private final ClientConfig cfg;
    private final HttpPublisher http;
    private final Jsonb jsonb;
    private final Loop loop;
    private final BooleanSupplier closing;
    /** Loop only: the connection that can carry a publish now, or {@code null}. */
    private final Supplier<TransportConnection> openConnection;
    private final Map<String, Pending> pending = new HashMap<>();
    private long refs;

    Publishing(ClientConfig cfg, HttpPublisher http, Jsonb jsonb, Loop loop, BooleanSupplier closing,
            Supplier<TransportConnection> openConnection) {
        this.cfg = cfg;
        this.http = http;
        this.jsonb = jsonb;
        this.loop = loop;
        this.closing = closing;
        this.openConnection = openConnection;
    }

    /** Every failure, a bad argument included, fails the future with a {@link RealtimeException}. */
    CompletableFuture<PublishAck> publishJson(String channel, String event, String json, String idempotencyKey) {
        if (json == null) {
            return failed(ErrorCodes.INVALID_JSON, "json is null", null);
        }
        try {
            Json.value(json);
        } catch (RuntimeException e) {
            return failed(ErrorCodes.INVALID_JSON, "not a JSON value: " + json, e);
        }
        return send(channel, event, json, idempotencyKey);
    }

    CompletableFuture<PublishAck> publish(String channel, String event, Object data, String idempotencyKey) {
        String json;
        try {
            json = jsonb.toJson(data);
        } catch (RuntimeException e) {
            return failed(ErrorCodes.INVALID_JSON, "JSON-B cannot serialise " + data, e);
        }
        return send(channel, event, json, idempotencyKey);
    }

    /**
     * An ephemeral message (protocol 1.1), over HTTP: delivered live to the current subscribers, never
     * stored. A retry after a lost answer may deliver it twice (nothing is stored to tell).
     */
    CompletableFuture<PublishAck> publishEphemeral(String channel, String event, Object data) {
        String json;
        try {
            Names.channel(channel);
            Names.event(event);
            json = jsonb.toJson(data);
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage().startsWith("invalid event") ? ErrorCodes.INVALID_EVENT : ErrorCodes.INVALID_CHANNEL, e.getMessage(), e);
        } catch (RuntimeException e) {
            return failed(ErrorCodes.INVALID_JSON, "JSON-B cannot serialise " + data, e);
        }
        if (closing.getAsBoolean()) {
            return failed(ErrorCodes.CLOSED, "the client is closed", null);
        }
        return http.publish(channel, event, json, UUID.randomUUID().toString(), true);
    }

    private CompletableFuture<PublishAck> send(String channel, String event, String json, String idempotencyKey) {
        String code = ErrorCodes.INVALID_CHANNEL;
        try {
            Names.channel(channel);
            code = ErrorCodes.INVALID_EVENT;
            Names.event(event);
            code = ErrorCodes.INVALID_IDEMPOTENCY_KEY;
            Names.idempotencyKey(idempotencyKey);
        } catch (IllegalArgumentException e) {
            return failed(code, e.getMessage(), e);
        }
        if (closing.getAsBoolean()) {
            return failed(ErrorCodes.CLOSED, "the client is closed", null);
        }
        String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        if (cfg.publishMode() == PublishMode.WEBSOCKET_WHEN_OPEN) {
            CompletableFuture<PublishAck> result = new CompletableFuture<>();
            loop.post(() -> overWebSocketOrHttp(new Pending(channel, event, json, key, result)));
            return result;
        }
        return http.publish(channel, event, json, key);
    }

    private static CompletableFuture<PublishAck> failed(String code, String message, Throwable cause) {
        return CompletableFuture.failedFuture(new RealtimeException(0, code, message, cause));
    }

    private void overWebSocketOrHttp(Pending p) {
        String ref = "p" + (refs + 1);
        TransportConnection conn = openConnection.get();
        if (conn != null && conn.publish(ref, p.channel, p.event, p.key, p.json)) {
            refs++;
            pending.put(ref, p);
        } else {
            overHttp(p);
        }
    }

    private void overHttp(Pending p) {
        http.publish(p.channel, p.event, p.json, p.key).whenComplete((ack, e) -> {
            if (e != null) {
                p.result.completeExceptionally(e);
            } else {
                p.result.complete(ack);
            }
        });
    }

    /** Loop only: an {@code ack} frame. */
    void acknowledged(String ref, String channel, String id) {
        Pending p = ref == null ? null : pending.remove(ref);
        if (p != null) {
            p.result.complete(new PublishAck(channel, id));
        }
    }

    /** Loop only: an {@code error} frame; true when it answered one of our publishes. */
    boolean refused(String ref, RealtimeException e) {
        Pending p = ref == null ? null : pending.remove(ref);
        if (p != null) {
            p.result.completeExceptionally(e);
        }
        return p != null;
    }

    /** Loop only: the socket closed before these publishes were acknowledged: HTTP with the same keys. */
    void retryUnacknowledgedOverHttp() {
        List<Pending> unacknowledged = new ArrayList<>(pending.values());
        pending.clear();
        unacknowledged.forEach(this::overHttp);
    }

    /** Loop only: the client closed. */
    void failUnacknowledged(RealtimeException e) {
        pending.values().forEach(p -> p.result.completeExceptionally(e));
        pending.clear();
    }

    private record Pending(String channel, String event, String json, String key, CompletableFuture<PublishAck> result) {}
}
