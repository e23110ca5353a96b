package dev.realtime.it.redis;

import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.realtime.it.support.Http.enc;

/** A {@link Subscriber} over long-polling: one held poll after another, each from the cursor the last answer gave. */
final class PollSubscriber extends Subscriber {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PollSubscriber(String name, String channel, String cursor, List<URL> nodes) {
        super(name, channel, cursor, nodes);
    }

    @Override
    void connection(URL node, String cursor) throws Exception {
        String since = cursor;
        while (!isClosed()) {
            awaitReading();
            HttpRequest request = HttpRequest.newBuilder(URI.create(node + "realtime/poll?channel=" + enc(channel)
                    + "&since=" + enc(since) + "&timeout=3000")).timeout(Duration.ofSeconds(30)).build();
            HttpResponse<String> r;
            try {
                r = client.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new NodeUnreachable(request.uri() + ": " + e, e);
            }
            if (r.statusCode() != 200) {
                throw new NodeUnreachable(request.uri() + " answered " + r.statusCode() + " " + r.body(), null);
            }
            JsonObject answer = Http.json(r);
            for (JsonValue g : answer.getJsonArray("gaps")) {
                if (channel.equals(((jakarta.json.JsonString) g).getString())) {
                    gap();
                }
            }
            since = answer.getString("cursor");
            for (JsonValue m : answer.getJsonArray("messages")) {
                message(m.asJsonObject(), since);
            }
            cursor(since);
        }
    }

    @Override
    void abort() {
        // a held poll ends by itself within its timeout
    }
}
