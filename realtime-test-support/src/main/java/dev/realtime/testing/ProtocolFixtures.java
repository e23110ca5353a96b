package dev.realtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The protocol fixtures: JSON files read by the server's tests, the Java client's tests and the
 * JavaScript client's Node tests (from src/main/resources/dev/realtime/testing/fixtures of this
 * module), so the three cannot drift apart unnoticed.
 *
 * <ul>
 *   <li>{@code names.json}: valid and invalid channel names, event names and idempotency keys, with
 *       each kind's maximum length;</li>
 *   <li>{@code errors.json}: every error code with its HTTP status;</li>
 *   <li>{@code frames.json}: sample WebSocket frames each way, and what a client does with them.</li>
 * </ul>
 */
public final class ProtocolFixtures {
    private ProtocolFixtures() {
    }

    /** The text of one fixture file, e.g. {@code names.json}. */
    public static String read(String name) {
        try (InputStream in = ProtocolFixtures.class.getResourceAsStream("fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no protocol fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
