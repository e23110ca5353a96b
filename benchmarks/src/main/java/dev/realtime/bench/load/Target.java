package dev.realtime.bench.load;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** One server under test: the baseline WAR, the library's bench WAR or the Atmosphere peer, with the URLs of each transport. */
record Target(String name, boolean library, String war, String context, int port) {
    static final String CHANNEL = "bench";
    /** The name of the Atmosphere peer (bench-atmosphere.war): its clients speak atmosphere.js's protocol. */
    static final String ATMOSPHERE = "atmosphere";

    boolean atmosphere() {
        return name.equals(ATMOSPHERE);
    }

    /** The targets named in {@code -Dbench.targets} or {@code $BENCH_TARGETS} (comma-separated; default: all), in their given order. */
    static java.util.List<Target> selected(java.util.List<Target> all) {
        String env = System.getenv("BENCH_TARGETS");
        String want = System.getProperty("bench.targets", env == null ? "" : env).trim();
        if (want.isEmpty()) {
            return all;
        }
        java.util.List<String> names = java.util.Arrays.stream(want.split(",")).map(String::trim).toList();
        java.util.List<Target> list = all.stream().filter(t -> names.contains(t.name())).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("bench.targets=" + want + " names none of " + all.stream().map(Target::name).toList());
        }
        return list;
    }

    String http() {
        return "http://127.0.0.1:" + port + context;
    }

    String wsUrl(String cursor) {
        String base = "ws://127.0.0.1:" + port + context;
        if (atmosphere()) {
            return AtmosphereProtocol.url(base + "/chat", "websocket", cursor);
        }
        if (!library) {
            return base + "/ws";
        }
        return base + "/realtime/ws?channel=" + CHANNEL + (cursor == null ? "" : "&since=" + enc(cursor));
    }

    String sseUrl(String cursor) {
        if (atmosphere()) {
            return AtmosphereProtocol.url(http() + "/chat", "sse", cursor);
        }
        return library ? http() + "/realtime/sse?channel=" + CHANNEL : http() + "/sse";
    }

    String pollUrl(String cursor, long timeoutMillis) {
        if (atmosphere()) { // no timeout parameter: Atmosphere holds a poll until a message or a heartbeat (60 s)
            return AtmosphereProtocol.url(http() + "/chat", "long-polling", cursor);
        }
        if (!library) {
            return http() + "/poll?timeout=" + timeoutMillis + (cursor == null ? "" : "&since=" + enc(cursor));
        }
        return http() + "/realtime/poll?channel=" + CHANNEL + "&timeout=" + timeoutMillis
                + (cursor == null ? "" : "&since=" + enc(cursor));
    }

    String publishUrl() {
        return library ? http() + "/realtime/publish?channel=" + CHANNEL : http() + "/publish";
    }

    String statsUrl() {
        return http() + "/admin/stats";
    }

    String disconnectUrl() {
        return http() + "/admin/disconnect";
    }

    String heapUrl() {
        return "http://127.0.0.1:" + port + "/_bench/heap";
    }

    /**
     * The URL of a subscribe or publish endpoint ({@code wsUrl}, {@code sseUrl}, {@code pollUrl},
     * {@code publishUrl}) moved to another channel: the library's {@code channel=bench} is replaced, the
     * baseline gets a {@code channel} parameter. {@code null} or {@link #CHANNEL} leave the URL as it is.
     */
    String withChannel(String url, String channel) {
        if (channel == null || channel.equals(CHANNEL)) {
            return url;
        }
        String param = "channel=" + enc(channel);
        if (url.contains("channel=" + CHANNEL)) {
            return url.replace("channel=" + CHANNEL, param);
        }
        return url + (url.indexOf('?') < 0 ? "?" : "&") + param;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
