package dev.realtime.internal.tickets;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.JsonText;
import dev.realtime.protocol.JsonStrings;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The one definition of the ticket and resume-token format: {@code rt1.<payload>.<signature>}, both
 * base64url without padding; the payload is compact JSON ({@code k} kind {@code t}/{@code r}, {@code u}
 * user, {@code r} roles, {@code c} channels, {@code x} usable until, {@code a} credential expiry, {@code n}
 * id) and the signature HMAC-SHA256 of {@code rt1.<payload>}. Every character is a token character, so
 * it fits a header and a WebSocket subprotocol. The payload is read only after its signature passed.
 */
public final class TicketCodec {
    static final String PREFIX = "rt1.";
    /** Far above any ticket this library issues; refused before any decoding. */
    static final int MAX_LENGTH = 8192;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final TicketKey key;

    public TicketCodec(TicketKey key) {
        this.key = key;
    }

    public String encode(Credential c) {
        StringBuilder json = new StringBuilder(128).append("{\"k\":\"").append(c.resume() ? 'r' : 't').append("\",\"u\":");
        JsonStrings.append(json, c.user());
        json.append(",\"r\":");
        strings(json, c.roles());
        json.append(",\"c\":");
        strings(json, c.scope().entries());
        json.append(",\"x\":").append(c.usableUntil()).append(",\"a\":").append(c.credentialExpires())
                .append(",\"n\":\"").append(c.id()).append("\"}");
        String signed = PREFIX + B64.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
        return signed + "." + B64.encodeToString(key.sign(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    /** @throws RealtimeException {@code invalid_ticket} when it is not one of ours, unchanged */
    public Credential decode(String text) {
        if (text == null || text.length() > MAX_LENGTH || !text.startsWith(PREFIX)) {
            throw invalid();
        }
        int dot = text.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw invalid();
        }
        String signed = text.substring(0, dot);
        try {
            if (!key.verify(signed.getBytes(StandardCharsets.US_ASCII), B64D.decode(text.substring(dot + 1)))) {
                throw invalid();
            }
            JsonValue v = JsonText.parse(new String(B64D.decode(signed.substring(PREFIX.length())), StandardCharsets.UTF_8));
            JsonObject o = (JsonObject) v;
            String kind = ((JsonString) o.get("k")).getString();
            return new Credential(kind.equals("r"), ((JsonString) o.get("u")).getString(), strings(o.getJsonArray("r")),
                    new ChannelScope(strings(o.getJsonArray("c"))), ((JsonNumber) o.get("x")).longValueExact(),
                    ((JsonNumber) o.get("a")).longValueExact(), ((JsonString) o.get("n")).getString());
        } catch (RealtimeException | IllegalArgumentException | ClassCastException | NullPointerException | ArithmeticException e) {
            // signed by our key but unreadable means a format from another version: refuse it all the same
            throw invalid();
        }
    }

    private static void strings(StringBuilder json, List<String> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            JsonStrings.append(json, values.get(i));
        }
        json.append(']');
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            out.add(((JsonString) v).getString());
        }
        return out;
    }

    static RealtimeException invalid() {
        return new RealtimeException(ErrorCode.INVALID_TICKET, "the ticket is not valid here; get a new one");
    }
}
