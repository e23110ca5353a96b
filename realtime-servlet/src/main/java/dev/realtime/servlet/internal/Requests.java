package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Names;
import dev.realtime.internal.Since;
import jakarta.servlet.http.HttpServletRequest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the protocol's query parameters, refusing bad ones with the protocol's codes. */
final class Requests {
    private Requests() {
    }

    /** The distinct {@code channel} parameters, validated; at least one when {@code required}. */
    static List<String> channels(HttpServletRequest req, boolean required, int max) {
        return channels(req, required, max, false);
    }

    /**
     * The distinct {@code channel} parameters, validated, wildcard patterns included when
     * {@code patterns} (protocol 1.1); at least one when {@code required}.
     */
    static List<String> channels(HttpServletRequest req, boolean required, int max, boolean patterns) {
        return channels(req.getParameterValues("channel"), required, max, patterns);
    }

    /** The distinct channels of a request's {@code channel} values ({@code null}: none), validated. */
    static List<String> channels(String[] values, boolean required, int max) {
        return channels(values, required, max, false);
    }

    /** As {@link #channels(String[], boolean, int)}, wildcard patterns included when {@code patterns}. */
    static List<String> channels(String[] values, boolean required, int max, boolean patterns) {
        if (values == null || values.length == 0) {
            if (required) {
                throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "add at least one channel parameter, e.g. ?channel=room:42");
            }
            return List.of();
        }
        // a loop, not a stream: this runs for every long-poll (the benchmark's profile)
        Set<String> channels = new LinkedHashSet<>();
        for (String value : values) {
            channels.add(Names.subscription(value, patterns));
            if (channels.size() > max) {
                throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "a connection may subscribe to at most " + max + " channels");
            }
        }
        return List.copyOf(channels);
    }

    static Since since(String value) {
        return Since.parse(value);
    }
}
