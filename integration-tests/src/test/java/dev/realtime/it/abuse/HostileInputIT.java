package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.SseClient;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.realtime.it.support.Http.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile input on every endpoint. The server never answers 500, never logs a stack
 * trace for a client's mistake, answers with the protocol's JSON errors where our code decides, and
 * keeps serving well-behaved subscribers throughout.
 */
@ExtendWith(ArquillianExtension.class)
class HostileInputIT {
    /** What Tomcat itself answers for what it refuses before our code runs. */
    static final Set<Integer> CONTAINER_REFUSALS = Set.of(400, 404, 405, 408, 411, 413, 414, 417, 431, 501, 505);
    static final String JSON = "Content-Type: application/json\r\n";

    @Deployment(testable = false)
    static WebArchive war() {
        // the calm publisher and the attack come from one address: no publish rate limit in the way
        return Deployments.war("hostile", Map.of("realtime.publish.rate", "1000000"));
    }

    @ArquillianResource
    URL base;

    final Random random = new Random(42);
    SoftAssertions soft;
    String prefix;

    @Test
    void hostileInputNeverBreaksTheServerNorItsWellBehavedClients() throws Exception {
        Http http = new Http(base);
        prefix = base.getPath().replaceAll("/$", "") + "/realtime";
        String channel = "calm:" + UUID.randomUUID();
        soft = new SoftAssertions();

        try (WsClient ws = new WsClient(URI.create(http.uri("/realtime/ws?channel=" + enc(channel)).toString().replaceFirst("^http", "ws")));
             SseClient sse = new SseClient(http.uri("/realtime/sse?channel=" + enc(channel)), null)) {
            ws.next("subscribed");
            assertThat(sse.nextLine()).startsWith("retry:");

            // a steady publisher on the side: every message must reach both subscribers, in order
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicInteger published = new AtomicInteger();
            List<String> publishFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread publisher = new Thread(() -> {
                HttpClient client = HttpClient.newHttpClient();
                while (attacking.get()) {
                    int n = published.get() + 1;
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(http.uri("/realtime/publish?channel=" + enc(channel)))
                                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + n + "}")).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 202) {
                            publishFailures.add(r.statusCode() + " " + r.body());
                        }
                        published.set(n);
                        Thread.sleep(10);
                    } catch (Exception e) {
                        publishFailures.add(e.toString());
                        return;
                    }
                }
            }, "calm-publisher");

            List<Socket> halfOpen = new ArrayList<>();
            try (LogWatch log = LogWatch.attach()) {
                publisher.start();
                halfOpenConnections(halfOpen);
                queryStrings();
                percentEncoding();
                headers();
                bodies();
                pathsAndMethods();
                randomBytes();
                webSocketFrames();
                webSocketHandshakes();
                // the half-open connections are still there and still harmless: well-behaved requests are answered
                assertThat(http.get("/realtime/poll?timeout=0&channel=x").statusCode()).isEqualTo(200);
                for (Socket s : halfOpen) {
                    s.close();
                }
                Thread.sleep(300);
                attacking.set(false);
                publisher.join(15_000);
                soft.assertThat(log.alarming).as("SEVERE, or WARNING with a stack trace, during the attack:\n"
                        + LogWatch.describe(log.alarming)).isEmpty();
            } finally {
                attacking.set(false);
                for (Socket s : halfOpen) {
                    s.close();
                }
            }

            assertThat(publishFailures).as("the calm publisher was served throughout").isEmpty();
            int total = published.get();
            assertThat(total).as("messages published during the attack").isGreaterThan(10);
            List<Integer> overWs = new ArrayList<>();
            while (overWs.size() < total) {
                JsonObject f = ws.next();
                if (f.getString("type").equals("message")) {
                    overWs.add(f.getJsonObject("data").getInt("n"));
                }
            }
            List<Integer> overSse = new ArrayList<>();
            while (overSse.size() < total) {
                overSse.add(Http.json(SseClient.field(sse.nextEvent(), "data")).getJsonObject("data").getInt("n"));
            }
            List<Integer> expected = SlowConsumerIT.range(1, total + 1);
            soft.assertThat(overWs).as("WebSocket subscriber during the attack").isEqualTo(expected);
            soft.assertThat(overSse).as("SSE subscriber during the attack").isEqualTo(expected);
        }
        soft.assertAll();
    }

    // ---- the attacks

    /** Connections that send part of a request or frame, then stall; kept open during the rest of the attack. */
    void halfOpenConnections(List<Socket> keep) throws IOException {
        String[] partial = {
                "GET " + prefix + "/poll?chan",
                "GET " + prefix + "/sse?channel=a HTTP/1.1\r\nHost: x\r\nAccept: text/ev",
                "POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Content-Length: 1000\r\n\r\n{\"half\":",
                "GET " + prefix + "/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n",
                "G",
        };
        for (int i = 0; i < 4; i++) {
            for (String p : partial) {
                Socket s = RawHttp.open(base);
                s.getOutputStream().write(p.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                keep.add(s);
            }
        }
        // a WebSocket that sends half a frame header, and one that sends half a payload
        RawWs headerOnly = RawWs.connect(base, "/realtime/ws?channel=a", 0);
        headerOnly.out.write(new byte[]{(byte) 0x81});
        headerOnly.out.flush();
        keep.add(headerOnly.socket);
        RawWs halfPayload = RawWs.connect(base, "/realtime/ws?channel=a", 0);
        byte[] frame = RawWs.frame(RawWs.TEXT, "{\"type\":\"ping\",\"pad\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8), true, true);
        halfPayload.out.write(frame, 0, frame.length / 2);
        halfPayload.out.flush();
        keep.add(halfPayload.socket);
    }

    void queryStrings() throws IOException {
        for (String endpoint : List.of("/poll", "/sse", "/ws", "/publish", "/nope")) {
            String method = endpoint.equals("/publish") ? "POST" : "GET";
            String body = endpoint.equals("/publish") ? "{}" : "";
            // random printable junk, 1 KiB and 6 KiB: our code sees it
            for (int size : new int[]{1024, 6 * 1024}) {
                String junk = randomQuery(size);
                protocolError(method + " " + endpoint + " random query " + size, request(method, endpoint + "?" + junk, JSON, body));
                protocolError(method + " " + endpoint + " random channel " + size,
                        request(method, endpoint + "?timeout=0&channel=" + junk.replace("&", "%26"), JSON, body));
            }
            // 10 KiB and 100 KiB: over Tomcat's request-line limit, refused by the container
            for (int size : new int[]{10 * 1024, 100 * 1024}) {
                notAServerError(method + " " + endpoint + " query " + size, request(method, endpoint + "?channel=" + "a".repeat(size), JSON, body));
            }
        }
        // parameters the protocol defines, with hostile values: our code answers
        protocolError("poll timeout huge", get("/poll?channel=a&timeout=99999999999999999999999"), 400, "invalid_timeout");
        protocolError("poll timeout negative", get("/poll?channel=a&timeout=-5"), 400, "invalid_timeout");
        protocolError("poll timeout float", get("/poll?channel=a&timeout=1e3"), 400, "invalid_timeout");
        protocolError("poll 65 channels", get("/poll?timeout=0" + channels(65)), 400, "too_many_channels");
        protocolError("sse cursor garbage", get("/sse?channel=a&since=" + "~".repeat(3000)), 400, "invalid_cursor");
        protocolError("poll cursor with a huge position", get("/poll?channel=a&timeout=0&since=1~abc~AAAAAAAAAAA." + "z".repeat(40)), 400, "invalid_cursor");
        protocolError("poll cursor 5000 entries (over the query limit)", get("/poll?channel=a&timeout=0&since=1~abc" + "~AAAAAAAAAAA.1".repeat(500)), 413, "payload_too_large");
        notAServerError("poll 1500 parameters", get("/poll?timeout=0&channel=a" + "&x=1".repeat(1500)));
        protocolError("publish two channels", request("POST", "/publish?channel=a&channel=b", JSON, "1"), 400, "too_many_channels");
        protocolError("publish reserved event", request("POST", "/publish?channel=a&event=gap", JSON, "1"), 400, "invalid_event");
        protocolError("publish event 3,000 characters", request("POST", "/publish?channel=a&event=" + "e".repeat(3000), JSON, "1"), 400, "invalid_event");
    }

    void percentEncoding() throws IOException {
        String[] bad = {"%zz", "%", "%4", "%C3%28", "%ff%fe%fd", "%00", "%E2%82", "%ED%A0%80", "%F4%90%80%80", "a%0D%0Ab", "%u0041"};
        for (String b : bad) {
            for (String endpoint : List.of("/poll", "/sse", "/publish")) {
                String method = endpoint.equals("/publish") ? "POST" : "GET";
                RawHttp.Response r = request(method, endpoint + "?timeout=0&channel=" + b, JSON, "1");
                protocolError(method + " " + endpoint + " channel=" + b, r);
                RawHttp.Response since = request(method, endpoint + "?timeout=0&channel=a&since=" + b, JSON, "1");
                if (endpoint.equals("/publish")) {
                    notAServerError(method + " " + endpoint + " since=" + b, since);
                } else { // none of these is a cursor, malformed escape or not: named as the cursor's fault
                    protocolError(method + " " + endpoint + " since=" + b, since, 400, "invalid_cursor");
                }
                notAServerError(method + " " + endpoint + " parameter name " + b, request(method, endpoint + "?timeout=0&channel=a&" + b + "=1", JSON, "1"));
            }
            notAServerError("path " + b, get("/" + b));
            notAServerError("ws " + b, wsHandshake("/ws?channel=" + b, ""));
        }
        // raw invalid UTF-8 bytes (not percent-encoded) in the request line
        byte[] line = ("GET " + prefix + "/poll?timeout=0&channel=\u00ff\u00fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        notAServerError("raw bytes in the query", RawHttp.exchange(base, line));
    }

    void headers() throws IOException {
        notAServerError("a 100 KiB header", request("GET", "/poll?timeout=0&channel=a", "X-Big: " + "b".repeat(100 * 1024) + "\r\n", ""));
        // the documented limit answers before the container's own 8 KiB request-header limit does
        protocolError("a query just over realtime.query.maxLength's default", get("/poll?timeout=0&channel=a&x=" + "q".repeat(4100)), 413, "payload_too_large");
        protocolError("a 7 KiB query", get("/poll?timeout=0&channel=a&x=" + "q".repeat(7 * 1024)), 413, "payload_too_large");
        notAServerError("a 10 KiB header", request("GET", "/poll?timeout=0&channel=a", "X-Big: " + "b".repeat(10 * 1024) + "\r\n", ""));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        notAServerError("500 headers", request("GET", "/poll?timeout=0&channel=a", many.toString(), ""));
        protocolError("Last-Event-ID garbage", request("GET", "/sse?channel=a", "Last-Event-ID: " + "\u00ff".repeat(2000) + "\r\n", ""), 400, "invalid_cursor");
        protocolError("Last-Event-ID 6 KiB", request("GET", "/sse?channel=a", "Last-Event-ID: 1~abc~" + "A".repeat(6000) + "\r\n", ""), 400, "invalid_cursor");
        protocolError("Idempotency-Key 4 KiB", request("POST", "/publish?channel=a", JSON + "Idempotency-Key: " + "k".repeat(4096) + "\r\n", "1"), 400, "invalid_idempotency_key");
        protocolError("Idempotency-Key bytes", request("POST", "/publish?channel=a", JSON + "Idempotency-Key: \u00ff\u00fe\r\n", "1"), 400, "invalid_idempotency_key");
        notAServerError("Idempotency-Key control character", request("POST", "/publish?channel=a", JSON + "Idempotency-Key: a\u0001b\r\n", "1"));
        for (String origin : List.of("null", "http://[::1", "http://evil.example", "\u00ff\u00fe", "x".repeat(4000), "http://a:99999999999")) {
            protocolError("publish from Origin " + origin.substring(0, Math.min(20, origin.length())),
                    request("POST", "/publish?channel=a", JSON + "Origin: " + origin + "\r\n", "1"), 403, "forbidden");
            notAServerError("poll from Origin " + origin.substring(0, Math.min(20, origin.length())),
                    request("GET", "/poll?timeout=0&channel=a", "Origin: " + origin + "\r\n", ""));
            notAServerError("preflight from Origin " + origin.substring(0, Math.min(20, origin.length())),
                    request("OPTIONS", "/publish?channel=a", "Origin: " + origin + "\r\nAccess-Control-Request-Method: POST\r\n", ""));
        }
        for (String type : List.of("text/plain", "application/jsonx", "application/json; charset=nonsense", ";;;", "\u00ff", "multipart/form-data; boundary=x")) {
            notAServerError("Content-Type " + type, request("POST", "/publish?channel=a", "Content-Type: " + type + "\r\n", "1"));
        }
        notAServerError("Content-Length letters", raw("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Content-Length: abc\r\nConnection: close\r\n\r\n1"));
        notAServerError("Content-Length negative", raw("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Content-Length: -1\r\nConnection: close\r\n\r\n1"));
        notAServerError("two Content-Lengths", raw("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Content-Length: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n12"));
        notAServerError("Content-Length huge", raw("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Content-Length: 99999999999999999999\r\nConnection: close\r\n\r\n1"));
        notAServerError("bad Transfer-Encoding", raw("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON + "Transfer-Encoding: gzip, zip\r\nConnection: close\r\n\r\n1"));
        notAServerError("no Host", raw("GET " + prefix + "/poll?timeout=0&channel=a HTTP/1.1\r\nConnection: close\r\n\r\n"));
        notAServerError("bad Host", raw("GET " + prefix + "/poll?timeout=0&channel=a HTTP/1.1\r\nHost: [[[::\r\nConnection: close\r\n\r\n"));
        notAServerError("header without colon", raw("GET " + prefix + "/poll?timeout=0&channel=a HTTP/1.1\r\nHost: x\r\nnonsense\r\nConnection: close\r\n\r\n"));
        notAServerError("HTTP/0.9", raw("GET " + prefix + "/poll?timeout=0&channel=a\r\n"));
        notAServerError("HTTP/7.0", raw("GET " + prefix + "/poll?timeout=0&channel=a HTTP/7.0\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }

    void bodies() throws IOException {
        byte[] invalidUtf8 = {'"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"'};
        protocolError("invalid UTF-8 body", requestBytes("POST", "/publish?channel=a", JSON, invalidUtf8), 400, "invalid_json");
        protocolError("invalid UTF-8 body, latin-1 declared", requestBytes("POST", "/publish?channel=a",
                "Content-Type: application/json; charset=ISO-8859-1\r\n", invalidUtf8), 400, "invalid_json");
        protocolError("deeply nested JSON (10,000 levels)", request("POST", "/publish?channel=a", JSON, "[".repeat(10_000) + "]".repeat(10_000)), 400, "invalid_json");
        protocolError("deeply nested objects", request("POST", "/publish?channel=a", JSON, "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)), 400, "invalid_json");
        protocolError("unterminated nesting", request("POST", "/publish?channel=a", JSON, "[".repeat(30_000)), 400, "invalid_json");
        protocolError("empty body", request("POST", "/publish?channel=a", JSON, ""), 400, "invalid_json");
        protocolError("trailing garbage", request("POST", "/publish?channel=a", JSON, "{} {}"), 400, "invalid_json");
        protocolError("NUL bytes", requestBytes("POST", "/publish?channel=a", JSON, new byte[]{0, 0, 0, 0}), 400, "invalid_json");
        protocolError("lone surrogate escape", request("POST", "/publish?channel=a", JSON, "\"\\ud800\""), null, null);
        byte[] junk = new byte[50_000];
        random.nextBytes(junk);
        protocolError("random bytes as JSON", requestBytes("POST", "/publish?channel=a", JSON, junk), 400, "invalid_json");
        // several MiB: declared up front, refused before it is read
        byte[] big = new byte[5 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) '1');
        RawHttp.Response declared = streaming("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON
                + "Content-Length: " + big.length + "\r\nConnection: close\r\n\r\n", big, false);
        protocolError("5 MiB body with Content-Length", declared, 413, "payload_too_large");
        RawHttp.Response chunked = streaming("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n" + JSON
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", big, true);
        protocolError("5 MiB chunked body", chunked, 413, "payload_too_large");
        RawHttp.Response form = streaming("POST " + prefix + "/publish?channel=a HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + big.length + "\r\nConnection: close\r\n\r\n", big, false);
        notAServerError("5 MiB form body", form);
        RawHttp.Response sseBody = streaming("GET " + prefix + "/poll?timeout=0&channel=a HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: " + big.length + "\r\nConnection: close\r\n\r\n", big, false);
        notAServerError("5 MiB body on a poll", sseBody);
    }

    void pathsAndMethods() throws IOException {
        protocolError("unknown path", get("/nope"), 404, "not_found");
        protocolError("below an endpoint", get("/poll/extra"), 404, "not_found");
        protocolError("the base itself", get("/"), 404, "not_found");
        notAServerError("double slash", get("//poll?timeout=0&channel=a"));
        for (String p : List.of("/../WEB-INF/web.xml", "/%2e%2e/WEB-INF/web.xml", "/..%2fWEB-INF/web.xml", "/;jsessionid=x/../../WEB-INF/web.xml",
                "/%c0%ae%c0%ae/WEB-INF/web.xml", "/poll%00", "/poll;x=y?timeout=0&channel=a", "/\u00ff")) {
            RawHttp.Response r = get(p);
            notAServerError("path " + p, r);
            soft.assertThat(r.text()).as("path " + p + " never serves WEB-INF").doesNotContain("web-app");
        }
        for (String endpoint : List.of("/poll", "/sse", "/ws", "/publish")) {
            for (String method : List.of("DELETE", "PUT", "PATCH", "FOO", "TRACE", "CONNECT")) {
                RawHttp.Response r = request(method, endpoint + "?channel=a", JSON, "1");
                notAServerError(method + " " + endpoint, r);
                if (r.status() == 405 && !method.equals("TRACE") && !method.equals("CONNECT")) {
                    protocolError(method + " " + endpoint, r, 405, "method_not_allowed");
                    soft.assertThat(r.header("Allow")).as(method + " " + endpoint + " Allow").isNotBlank();
                }
            }
        }
        protocolError("GET publish", get("/publish?channel=a"), 405, "method_not_allowed");
        protocolError("POST poll", request("POST", "/poll?channel=a", JSON, "1"), 405, "method_not_allowed");
    }

    void randomBytes() throws IOException {
        for (int i = 0; i < 30; i++) {
            byte[] junk = new byte[1 + random.nextInt(i < 20 ? 2000 : 70_000)];
            random.nextBytes(junk);
            if (i % 3 == 0) { // a valid start, then junk
                byte[] start = ("GET " + prefix + "/poll?channel=a HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] both = new byte[start.length + junk.length];
                System.arraycopy(start, 0, both, 0, start.length);
                System.arraycopy(junk, 0, both, start.length, junk.length);
                junk = both;
            }
            try (Socket s = RawHttp.open(base)) {
                try {
                    s.getOutputStream().write(junk);
                    s.getOutputStream().flush();
                    s.shutdownOutput();
                } catch (IOException e) {
                    // cut short by the server: fine
                }
                s.setSoTimeout(10_000);
                notAServerError("random bytes #" + i, RawHttp.read(s.getInputStream()));
            } catch (java.net.SocketTimeoutException e) {
                soft.fail("random bytes #" + i + ": no answer and no close within 10 s");
            }
        }
    }

    void webSocketFrames() throws IOException {
        // frames our code reads: protocol errors as error frames, the connection stays open
        try (RawWs ws = RawWs.connect(base, "/realtime/ws", 0)) {
            String[][] frames = {
                    {"[".repeat(10_000) + "]".repeat(10_000), "invalid_json"},
                    {"{\"type\":\"publish\",\"channel\":\"a\",\"data\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", "invalid_json"},
                    {"{\"type\":\"publish\",\"channel\":\"a\",\"data\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}", "invalid_json"},
                    {"{\"type\":[\"subscribe\"],\"channel\":\"a\"}", "invalid_frame"},
                    {"{\"type\":\"subscribe\",\"channel\":\"" + "c".repeat(5000) + "\"}", "invalid_channel"},
                    {"{\"type\":\"subscribe\",\"channel\":\"a\",\"since\":\"" + "~".repeat(5000) + "\"}", "invalid_cursor"},
                    {"{\"type\":\"subscribe\",\"channel\":\"a\",\"since\":\"1~abc~AAAAAAAAAAA." + "z".repeat(40) + "\"}", "invalid_cursor"},
                    {"{\"type\":\"subscribe\",\"channel\":\"a\",\"since\":{\"x\":1}}", "invalid_frame"},
                    {"{\"type\":\"publish\",\"channel\":\"a\",\"data\":1,\"event\":\"" + "\\u0000".repeat(10) + "\"}", "invalid_event"},
                    {"{\"type\":\"publish\",\"channel\":\"a\",\"data\":1,\"idempotencyKey\":\"" + "k".repeat(1000) + "\"}", "invalid_idempotency_key"},
                    {"{\"type\":\"publish\",\"channel\":\"a\",\"data\":\"" + "x".repeat(100_000) + "\"}", "payload_too_large"},
                    {"{\"type\":\"ping\"", "invalid_json"},
                    {"\u0000\u0001\u0002", "invalid_json"},
                    {"", "invalid_json"},
                    {"null", "invalid_frame"},
                    {"{\"type\":\"subscribe\"}", "invalid_frame"},
                    {"{\"type\":\"unsubscribe\",\"channel\":\"never-subscribed\"}", null},
            };
            for (String[] f : frames) {
                ws.sendText(f[0]);
                JsonObject answer = Http.json(ws.read().text());
                String label = "WebSocket frame " + f[0].substring(0, Math.min(60, f[0].length()));
                if (f[1] == null) {
                    soft.assertThat(answer.getString("type")).as(label).isEqualTo("unsubscribed");
                } else {
                    soft.assertThat(answer.getString("type")).as(label).isEqualTo("error");
                    soft.assertThat(answer.getString("code", null)).as(label).isEqualTo(f[1]);
                }
            }
            for (int i = 0; i < 5; i++) {
                byte[] bin = new byte[1 + random.nextInt(5000)];
                random.nextBytes(bin);
                ws.sendFrame(RawWs.BINARY, bin, true);
                JsonObject answer = Http.json(ws.read().text());
                soft.assertThat(answer.getString("code", null)).as("binary frame").isEqualTo("invalid_frame");
            }
            // a fragmented text message, then a ping: still understood
            ws.sendFrame(RawWs.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8), false);
            ws.sendFrame(0, "\"ping\",\"ref\":\"frag\"}".getBytes(StandardCharsets.UTF_8), true);
            soft.assertThat(Http.json(ws.read().text()).getString("type")).as("fragmented frame").isEqualTo("pong");
        }
        // frames Tomcat refuses at the WebSocket layer: the connection closes with a protocol code
        closesTheConnection("invalid UTF-8 text", ws -> ws.sendFrame(RawWs.TEXT, new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, true));
        closesTheConnection("unmasked frame", ws -> {
            ws.out.write(RawWs.frame(RawWs.TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), true, false));
            ws.out.flush();
        });
        closesTheConnection("reserved opcode", ws -> ws.sendFrame(3, new byte[]{1, 2}, true));
        closesTheConnection("reserved bits", ws -> {
            byte[] f = RawWs.frame(RawWs.TEXT, "{}".getBytes(StandardCharsets.UTF_8), true, true);
            f[0] |= 0x70;
            ws.out.write(f);
            ws.out.flush();
        });
        closesTheConnection("oversized frame (200 KiB)", ws -> ws.sendText("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(200 * 1024) + "\"}"));
        closesTheConnection("a declared length of 2^62, then 200 KiB", ws -> {
            ws.out.write(new byte[]{(byte) 0x81, (byte) 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4});
            ws.out.write(new byte[200 * 1024]);
            ws.out.flush();
        });
        closesTheConnection("a length with the top bit set", ws -> {
            ws.out.write(new byte[]{(byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 'x'});
            ws.out.flush();
        });
        closesTheConnection("fragmented control frame", ws -> ws.sendFrame(RawWs.PING, new byte[]{1}, false));
        closesTheConnection("continuation without a start", ws -> ws.sendFrame(0, "x".getBytes(StandardCharsets.UTF_8), true));
        closesTheConnection("random bytes after the handshake", ws -> {
            byte[] junk = new byte[4096];
            random.nextBytes(junk);
            junk[0] = (byte) 0x8F; // a reserved opcode: certain to be refused
            ws.out.write(junk);
            ws.out.flush();
        });
    }

    void webSocketHandshakes() throws IOException {
        notAServerError("handshake without a key", wsHandshakeWith("/ws?channel=a", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"));
        notAServerError("handshake with version 99", wsHandshakeWith("/ws?channel=a", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n"));
        notAServerError("handshake with a bad key", wsHandshakeWith("/ws?channel=a", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: !!!\r\nSec-WebSocket-Version: 13\r\n"));
        notAServerError("handshake without Connection", wsHandshakeWith("/ws?channel=a", "Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"));
        protocolError("handshake with a bad channel", wsHandshake("/ws?channel=" + enc("no spaces"), ""), 400, "invalid_channel");
        protocolError("handshake with 65 channels", wsHandshake("/ws?" + channels(65).substring(1), ""), 400, "too_many_channels");
        protocolError("handshake with a bad cursor", wsHandshake("/ws?channel=a&since=" + "%7E".repeat(100), ""), 400, "invalid_cursor");
        protocolError("handshake from another origin", wsHandshake("/ws?channel=a", "Origin: http://evil.example\r\n"), 403, "forbidden");
        protocolError("upgrade by POST", raw("POST " + prefix + "/ws?channel=a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"), 405, "method_not_allowed");
    }

    // ---- assertions

    /** Tomcat may refuse before our code (400, 413, 414, 431...) or just close; never a 5xx of ours. */
    void notAServerError(String label, RawHttp.Response r) {
        soft.assertThat(r.status()).as(label + ": " + r).matches(s -> s == -1 || s == 101 || s == 426 || (s >= 200 && s < 300)
                || CONTAINER_REFUSALS.contains(s) || (s >= 400 && s < 500), "no server error");
    }

    /** Our servlet's answer: a 4xx with the protocol's JSON error body (any code, or the one given). */
    void protocolError(String label, RawHttp.Response r) {
        protocolError(label, r, null, null);
    }

    void protocolError(String label, RawHttp.Response r, Integer status, String code) {
        String as = label + ": " + r;
        if (status != null) {
            soft.assertThat(r.status()).as(as).isEqualTo(status);
        } else {
            soft.assertThat(r.status()).as(as).isBetween(200, 499);
            if (r.status() < 400) {
                return; // accepted (e.g. a lone surrogate escape is valid JSON text)
            }
        }
        soft.assertThat(r.header("Content-Type")).as(as).startsWith("application/json");
        soft.assertThat(r.header("X-Content-Type-Options")).as(as).isEqualTo("nosniff");
        try {
            JsonObject body = Http.json(r.text());
            soft.assertThat(body.getString("message", "")).as(as).isNotBlank();
            if (code != null) {
                soft.assertThat(body.getString("error", null)).as(as).isEqualTo(code);
            } else {
                soft.assertThat(body.getString("error", "")).as(as).isNotBlank();
            }
        } catch (RuntimeException e) {
            soft.fail(as + ": not a JSON error body");
        }
    }

    interface WsAction {
        void run(RawWs ws) throws IOException;
    }

    /** The server ends the connection with a close frame with a protocol code (1002, 1007, 1009) or by closing it. */
    void closesTheConnection(String label, WsAction action) throws IOException {
        try (RawWs ws = RawWs.connect(base, "/realtime/ws", 0)) {
            try {
                action.run(ws);
            } catch (IOException e) {
                return; // the server closed while we were still writing
            }
            ws.socket.setSoTimeout(10_000);
            try {
                while (true) {
                    RawWs.Frame f = ws.read();
                    if (f.opcode() == RawWs.CLOSE) {
                        soft.assertThat(f.closeCode()).as(label + " close code").isIn(1002, 1003, 1007, 1008, 1009);
                        return;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                soft.fail(label + ": the connection stayed open");
            } catch (IOException e) {
                // closed without a close frame: acceptable for garbage
            }
        }
    }

    // ---- requests

    RawHttp.Response get(String pathAndQuery) throws IOException {
        return request("GET", pathAndQuery, "", "");
    }

    RawHttp.Response request(String method, String pathAndQuery, String headers, String body) throws IOException {
        return requestBytes(method, pathAndQuery, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp.Response requestBytes(String method, String pathAndQuery, String headers, byte[] body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String head = method + " " + prefix + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n" + headers
                + (body.length > 0 || method.equals("POST") ? "Content-Length: " + body.length + "\r\n" : "") + "Connection: close\r\n\r\n";
        b.write(head.getBytes(StandardCharsets.ISO_8859_1));
        b.write(body);
        return RawHttp.exchange(base, b.toByteArray());
    }

    RawHttp.Response raw(String request) throws IOException {
        return RawHttp.exchange(base, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp.Response wsHandshake(String pathAndQuery, String extraHeaders) throws IOException {
        return wsHandshakeWith(pathAndQuery, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + extraHeaders);
    }

    RawHttp.Response wsHandshakeWith(String pathAndQuery, String headers) throws IOException {
        try (Socket s = RawHttp.open(base)) {
            s.getOutputStream().write(("GET " + prefix + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            String head;
            try {
                head = RawHttp.readHead(s.getInputStream());
            } catch (IOException e) {
                return new RawHttp.Response(-1, "", new byte[0]);
            }
            RawHttp.Response h = new RawHttp.Response(Integer.parseInt(head.substring(9, 12)), head, new byte[0]);
            if (h.status() == 101) {
                return h;
            }
            String length = h.header("Content-Length");
            byte[] body = length != null ? s.getInputStream().readNBytes(Integer.parseInt(length))
                    : "chunked".equalsIgnoreCase(h.header("Transfer-Encoding")) ? new RawHttp.Chunked(s.getInputStream()).readAllBytes() : new byte[0];
            return new RawHttp.Response(h.status(), head, body);
        }
    }

    /** Writes a large body on another thread while reading the answer, which may come (and the connection close) before the body is sent. */
    RawHttp.Response streaming(String head, byte[] body, boolean chunked) throws IOException {
        try (Socket s = RawHttp.open(base)) {
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> {
                try {
                    for (int off = 0; off < body.length; off += 16 * 1024) {
                        int n = Math.min(16 * 1024, body.length - off);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(body, off, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed early
                }
            }, "hostile-body-writer");
            writer.setDaemon(true);
            writer.start();
            return RawHttp.read(s.getInputStream());
        }
    }

    String randomQuery(int size) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;=:@/?&=%";
        StringBuilder b = new StringBuilder(size);
        while (b.length() < size) {
            char c = alphabet.charAt(random.nextInt(alphabet.length()));
            if (c == '%') {
                b.append('%').append(Integer.toHexString(random.nextInt(256)));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String channels(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("&channel=c").append(i);
        }
        return b.toString();
    }
}
