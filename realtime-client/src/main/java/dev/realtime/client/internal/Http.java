package dev.realtime.client.internal;

import dev.realtime.client.RealtimeException;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** URL building, headers and error bodies shared by the HTTP transports and the publisher. */
final class Http {

    private Http() {}

    /** The wire protocol version this client speaks (a 1.0 server ignores the parameter). */
    static final String PROTOCOL = "1.1";

    /** {@code base + "/" + path + "?" + query}, with each value URL-encoded; protocol 1.1. */
    static URI uri(URI base, String path, Collection<String> channels, Map<String, String> params) {
        return uri(base, path, channels, params, List.of());
    }

    /** As {@link #uri(URI, String, Collection, Map)}, with repeatable {@code extra} parameters (presence, joins). */
    static URI uri(URI base, String path, Collection<String> channels, Map<String, String> params, List<Map.Entry<String, String>> extra) {
        StringBuilder sb = new StringBuilder(base.toString()).append('/').append(path).append("?v=").append(PROTOCOL);
        char sep = '&';
        for (String channel : channels) {
            sb.append(sep).append("channel=").append(enc(channel));
        }
        for (Map.Entry<String, String> p : extra) {
            sb.append(sep).append(p.getKey()).append('=').append(enc(p.getValue()));
        }
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getValue() != null) {
                sb.append(sep).append(p.getKey()).append('=').append(enc(p.getValue()));
                sep = '&';
            }
        }
        return URI.create(sb.toString());
    }

    /** {@code http} becomes {@code ws}, {@code https} becomes {@code wss}. */
    static URI webSocketUri(URI base) {
        String s = base.toString();
        if (s.startsWith("https:")) {
            s = "wss:" + s.substring("https:".length());
        } else if (s.startsWith("http:")) {
            s = "ws:" + s.substring("http:".length());
        }
        return URI.create(s + "/ws?v=" + PROTOCOL);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static HttpRequest.Builder withHeaders(HttpRequest.Builder b, Map<String, String> headers) {
        headers.forEach(b::header);
        return b;
    }

    /** The protocol's {@code {"error","message"}} body as an exception. */
    static RealtimeException error(int status, String body) {
        String code = ErrorCodes.HTTP_ERROR;
        String message = "HTTP " + status;
        if (body != null && body.startsWith("{")) {
            try {
                JsonObject o = Json.object(body);
                String c = Json.string(o, "error");
                if (c != null) {
                    code = c;
                    String m = Json.string(o, "message");
                    message = m == null ? message : m;
                }
            } catch (RuntimeException notJson) {
                // keep the generic code
            }
        }
        return new RealtimeException(status, code, message);
    }
}
