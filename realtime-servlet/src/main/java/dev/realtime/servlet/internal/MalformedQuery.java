package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Names what is wrong with a query string the container could not decode (a bad %-escape or invalid
 * UTF-8), so the answer carries the code of the parameter at fault ({@code since=%zz} is a bad cursor,
 * not a bad channel) and never echoes the undecodable text back.
 */
public final class MalformedQuery {
    private MalformedQuery() {
    }

    public static RealtimeException explain(String query) {
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                boolean nameOk = decodes(name);
                if (!nameOk || !decodes(value)) {
                    String shown = nameOk ? decodeOrEmpty(name) : "";
                    return new RealtimeException(codeOf(shown), shown.isEmpty() || shown.length() > 40
                            ? "a query parameter is not valid percent-encoded UTF-8"
                            : "the query parameter '" + shown + "' is not valid percent-encoded UTF-8");
                }
            }
        }
        return new RealtimeException(ErrorCode.INVALID_CHANNEL, "the query string is not valid percent-encoded UTF-8");
    }

    private static ErrorCode codeOf(String parameter) {
        return switch (parameter) {
            case "since" -> ErrorCode.INVALID_CURSOR;
            case "event" -> ErrorCode.INVALID_EVENT;
            case "timeout" -> ErrorCode.INVALID_TIMEOUT;
            default -> ErrorCode.INVALID_CHANNEL;
        };
    }

    private static String decodeOrEmpty(String text) {
        return decodes(text) ? decode(text) : "";
    }

    private static boolean decodes(String text) {
        return decode(text) != null;
    }

    /** Strict form decoding: null for a bad escape or bytes that are not UTF-8. */
    private static String decode(String text) {
        ByteBuffer bytes = ByteBuffer.allocate(text.length() * 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c == '+') {
                bytes.put((byte) ' ');
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
