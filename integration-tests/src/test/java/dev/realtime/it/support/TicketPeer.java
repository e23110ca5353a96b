package dev.realtime.it.support;

import jakarta.json.JsonObject;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/** A client of one node that gets tickets from the test servlet and presents them on any transport. */
public final class TicketPeer {
    public enum Way { WEBSOCKET, SSE, POLL }

    /** What a connection attempt came to; WebSocket's 101 counts as 200. */
    public record Outcome(int status, String code, String body, String token, long expiresIn, WsClient ws, SseClient sse) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (ws != null) {
                ws.close();
            }
            if (sse != null) {
                sse.close();
            }
        }
    }

    public final Http http;

    public TicketPeer(Http http) {
        this.http = http;
    }

    /** A fresh ticket; {@code query} as {@link TicketServlet} reads it. */
    public String ticket(String query) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(http.uri("/test/ticket?" + query)).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    public HttpResponse<String> send(HttpRequest request) {
        return http.send(request);
    }

    public HttpResponse<String> poll(String credential, String params, String... channels) {
        return send(HttpRequest.newBuilder(http.uri("/realtime/poll?" + params + channels(channels)))
                .header("Realtime-Ticket", credential).build());
    }

    public HttpResponse<String> publish(String channel, String json, String credential) {
        return send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=" + enc(channel)))
                .header("Content-Type", "application/json").header("Realtime-Ticket", credential)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static String channels(String... channels) {
        return Arrays.stream(channels).map(c -> "&channel=" + enc(c)).collect(Collectors.joining());
    }

    /** Connects with {@code credential} in the {@code Realtime-Ticket} header; an admitted SSE stream has had its retry line read. */
    public Outcome connect(Way way, String credential, String... channels) throws Exception {
        switch (way) {
            case POLL -> {
                HttpResponse<String> r = poll(credential, "timeout=0", channels);
                return outcome(r.statusCode(), r.body(), r.headers().firstValue("Realtime-Token").orElse(null),
                        r.headers().firstValue("Realtime-Expires-In").map(Long::parseLong).orElse(-1L), null, null);
            }
            case SSE -> {
                SseClient sse = new SseClient(http.uri("/realtime/sse?" + channels(channels).substring(1)), null,
                        Map.of("Realtime-Ticket", credential));
                int status = sse.response.statusCode();
                if (status != 200) {
                    String body = sse.nextLine();
                    sse.close();
                    return outcome(status, body, null, -1, null, null);
                }
                assertThat(sse.nextEvent().get(0)).startsWith("retry:");
                return outcome(200, "", sse.response.headers().firstValue("Realtime-Token").orElse(null),
                        sse.response.headers().firstValue("Realtime-Expires-In").map(Long::parseLong).orElse(-1L), null, sse);
            }
            default -> {
                WsClient ws;
                try {
                    ws = new WsClient(http.ws("?" + channels(channels).substring(1)), Map.of("Realtime-Ticket", credential), List.of());
                } catch (RuntimeException refused) {
                    HttpResponse<String> r = ErrorAssert.handshakeRefusal(() -> {
                        throw refused;
                    });
                    return outcome(r.statusCode(), r.body(), null, -1, null, null);
                }
                JsonObject authenticated = ws.next("authenticated");
                return outcome(200, "", authenticated.getString("token"), authenticated.getJsonNumber("expiresIn").longValue(), ws, null);
            }
        }
    }

    private static Outcome outcome(int status, String body, String token, long expiresIn, WsClient ws, SseClient sse) {
        String code = status == 200 ? null : Http.json(body).getString("error");
        return new Outcome(status, code, body, token, expiresIn, ws, sse);
    }
}
