package dev.realtime.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a raw event stream line by line on its own thread, keeping every line (comments and the
 * retry line included) so tests can check the exact framing.
 */
public final class SseClient implements AutoCloseable {
    public static final String END = "<end of stream>";
    public final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    public final HttpResponse<InputStream> response;
    private final Thread reader;

    public SseClient(URI uri, String lastEventId) throws IOException, InterruptedException {
        this(uri, lastEventId, java.util.Map.of());
    }

    /** With extra request headers, e.g. {@code Realtime-Ticket}. */
    public SseClient(URI uri, String lastEventId, java.util.Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        headers.forEach(b::header);
        response = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            // closed by the test or the server
        }
        lines.add(END);
    }

    public String nextLine() throws InterruptedException {
        String l = lines.poll(10, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("no line within 10 s");
        }
        return l;
    }

    /** The next event's lines (up to the blank line), skipping comment-only blocks. */
    public List<String> nextEvent() throws InterruptedException {
        while (true) {
            List<String> event = new ArrayList<>();
            String l;
            while (!(l = nextLine()).isEmpty()) {
                if (l.equals(END)) {
                    event.add(END);
                    return event;
                }
                event.add(l);
            }
            if (event.stream().anyMatch(x -> !x.startsWith(":"))) {
                return event;
            }
        }
    }

    /** The value of the field {@code name} in an event, or null. */
    public static String field(List<String> event, String name) {
        for (String l : event) {
            if (l.startsWith(name + ": ")) {
                return l.substring(name.length() + 2);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        reader.interrupt();
    }
}
