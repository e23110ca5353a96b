package dev.realtime.it.redis;

import dev.realtime.it.support.Http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.realtime.it.support.Http.enc;

/** A {@link Subscriber} over Server-Sent Events, resuming with {@code Last-Event-ID} as a browser does. */
final class SseSubscriber extends Subscriber {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile InputStream body;

    SseSubscriber(String name, String channel, String cursor, List<URL> nodes) {
        super(name, channel, cursor, nodes);
    }

    @Override
    void connection(URL node, String cursor) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node + "realtime/sse?channel=" + enc(channel)))
                .header("Accept", "text/event-stream").header("Last-Event-ID", cursor).build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new NodeUnreachable(request.uri() + ": " + e, e);
        }
        body = response.body();
        if (response.statusCode() != 200) {
            String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new NodeUnreachable(request.uri() + " answered " + response.statusCode() + " " + text, null);
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            String data = null;
            for (String line = lines.readLine(); line != null && !isClosed(); line = lines.readLine()) {
                if (line.isEmpty()) {
                    if ("gap".equals(event)) {
                        gap();
                    } else if (data != null) {
                        message(Http.json(data), id);
                    }
                    id = event = data = null;
                    awaitReading(); // pausing here leaves the stream unread: the server's writes back up
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
        }
    }

    @Override
    void abort() {
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
