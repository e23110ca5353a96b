package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.io.StringReader;

/** Parses client JSON with JSON-P, within bounds (writing JSON strings is {@link dev.realtime.protocol.JsonStrings}). */
public final class JsonText {
    private static final JsonProvider JSON = JsonProvider.provider();
    /** Deeper documents are refused before they can exhaust the stack. */
    static final int MAX_DEPTH = 64;

    private JsonText() {
    }

    /** Parses one JSON value (any kind, including {@code null}); refuses trailing content and excessive nesting. */
    public static JsonValue parse(String text) {
        checkDepth(text);
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new RealtimeException(ErrorCode.INVALID_JSON, "the body is empty; send a JSON value");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new RealtimeException(ErrorCode.INVALID_JSON, "unexpected content after the JSON value");
            }
            return value;
        } catch (JsonParsingException e) {
            throw new RealtimeException(ErrorCode.INVALID_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new RealtimeException(ErrorCode.INVALID_JSON, "not valid JSON");
        } catch (UnsupportedOperationException | ArithmeticException | NumberFormatException e) {
            // e.g. a number of thousands of digits, which the parser refuses to hold
            throw new RealtimeException(ErrorCode.INVALID_JSON, "a number in the JSON is too large to handle");
        }
    }

    /** Compact JSON text of a value: one line, control characters escaped. */
    public static String compact(JsonValue value) {
        return value.toString();
    }

    private static void checkDepth(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    throw new RealtimeException(ErrorCode.INVALID_JSON, "JSON nested deeper than " + MAX_DEPTH + " levels");
                }
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
