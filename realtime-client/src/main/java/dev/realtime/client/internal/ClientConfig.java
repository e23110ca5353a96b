package dev.realtime.client.internal;

import dev.realtime.client.ConnectionListener;
import dev.realtime.client.PublishMode;
import dev.realtime.client.TicketSource;
import dev.realtime.client.Transport;
import jakarta.json.bind.Jsonb;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

/** Everything the builder collected; {@code null} for the optional parts not given. */
public record ClientConfig(
        URI base,
        Transport transport,
        Duration connectTimeout,
        Duration readTimeout,
        Duration pollTimeout,
        Map<String, String> headers,
        Executor listenerExecutor,
        ConnectionListener connectionListener,
        int bufferSize,
        int dedupWindow,
        Duration backoffInitial,
        Duration backoffMax,
        int publishAttempts,
        PublishMode publishMode,
        HttpClient httpClient,
        Jsonb jsonb,
        TicketSource tickets) {}
