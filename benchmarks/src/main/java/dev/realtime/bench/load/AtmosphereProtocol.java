package dev.realtime.bench.load;

import java.net.http.HttpClient;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the generator's Atmosphere clients say and read: atmosphere.js's wire protocol as Atmosphere 3.1's
 * {@code JavaScriptProtocol} and {@code TrackMessageSizeInterceptor} define it.
 *
 * <ul>
 *   <li>Every request carries atmosphere.js's query parameters: {@code X-Atmosphere-tracking-id} ({@code 0} on
 *       the first connection, then the UUID the server gave), {@code X-Atmosphere-Framework} (a client version;
 *       the server refuses versions below 2.2.1), {@code X-Atmosphere-Transport} ({@code websocket}, {@code sse},
 *       {@code long-polling}), {@code X-Atmosphere-TrackMessageSize=true}, {@code Content-Type} and
 *       {@code X-atmo-protocol=true}.</li>
 *   <li>With tracking id {@code 0} the server first sends the handshake message {@code <uuid>|<client heartbeat
 *       ms>|<heartbeat padding>|}; for long-polling that is the whole answer, and the client polls again with its
 *       UUID. A client that reconnects with its UUID gets no handshake, and the {@code UUIDBroadcasterCache}
 *       replays what it missed.</li>
 *   <li>Every message is framed {@code <length in chars>|<message>}; several may follow each other in one
 *       WebSocket frame or long-poll answer. Besides the JSON messages there are heartbeats ({@code 1|X}, every
 *       60 s by default). SSE events are {@code data:<framed message>} lines; SSE and long-poll answers start with
 *       whitespace padding (about 2 KB).</li>
 * </ul>
 */
final class AtmosphereProtocol {
    /** The atmosphere.js version the clients announce (the 3.1 line of the JavaScript client). */
    static final String FRAMEWORK = "3.1.3-javascript";
    static final AtomicLong malformed = new AtomicLong();

    private AtmosphereProtocol() {
    }

    /** The subscription URL of {@code base} (the managed service's path) for one transport and tracking id. */
    static String url(String base, String transport, String uuid) {
        return base + "?X-Atmosphere-tracking-id=" + (uuid == null ? "0" : uuid) + "&X-Atmosphere-Framework=" + FRAMEWORK
                + "&X-Atmosphere-Transport=" + transport
                + "&X-Atmosphere-TrackMessageSize=true&Content-Type=application/json&X-atmo-protocol=true";
    }

    /** The generator's client for one transport of the Atmosphere target. */
    static Client client(Target t, String transport, HttpClient http, ScheduledExecutorService timer, boolean jdkPoller) {
        return switch (transport) {
            case "ws" -> new AtmosphereWsClient(t, http, timer);
            case "sse" -> new AtmosphereSseClient(t, http, timer);
            default -> new AtmospherePollClient(t, jdkPoller ? http : null, timer);
        };
    }

    /**
     * Reads one unit (a WebSocket message, the data of an SSE event, a long-poll answer): walks the
     * length-prefixed messages, hands the JSON ones to {@code c} and returns the UUID of a handshake message
     * among them, or null. Allocates nothing per message (one {@code readPayloads} pass over the whole text).
     */
    static String read(Client c, String text, long now) {
        int n = text.length();
        int i = 0;
        String uuid = null;
        boolean json = false;
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == ' ' || ch == '\n' || ch == '\r') { // padding
                i++;
                continue;
            }
            int bar = i;
            int len = 0;
            while (bar < n && (ch = text.charAt(bar)) >= '0' && ch <= '9') {
                len = len * 10 + (ch - '0');
                bar++;
            }
            if (bar == i || bar >= n || text.charAt(bar) != '|' || bar + 1 + len > n) {
                if (malformed.getAndIncrement() == 0) {
                    LoadMain.log("WARNING: Atmosphere message not framed as <length>|<message>: %s",
                            text.length() > 200 ? text.substring(0, 200) + "..." : text);
                }
                json |= text.indexOf('{', i) >= 0;
                break;
            }
            int start = bar + 1;
            int end = start + len;
            if (len > 0 && text.charAt(start) == '{') {
                json = true;
            } else if (uuid == null && len > 37 && text.charAt(start + 36) == '|') {
                uuid = text.substring(start, start + 36); // handshake: <uuid>|<heartbeat ms>|<padding>|
            } // else a heartbeat ("X")
            i = end;
        }
        if (json) {
            c.readPayloads(text, now);
        }
        return uuid;
    }
}
