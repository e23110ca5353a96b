package dev.realtime.servlet.internal;

import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Names;
import dev.realtime.spi.Published;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** {@code POST <base>/publish?channel=a&event=e} with a JSON body: answered {@code 202 {"channel":"a","id":"17"}}. */
public final class PublishRequest {
    private PublishRequest() {
    }

    public static void handle(Engine engine, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] channels = req.getParameterValues("channel");
        if (channels == null || channels.length == 0) {
            throw new RealtimeException(ErrorCode.MISSING_CHANNEL, "add the channel to publish to, e.g. ?channel=room:42");
        }
        if (channels.length > 1) {
            throw new RealtimeException(ErrorCode.TOO_MANY_CHANNELS, "publish to exactly one channel per request");
        }
        String channel = Names.channel(channels[0]);
        String event = Names.event(req.getParameter("event"));
        String key = Names.idempotencyKey(req.getHeader("Idempotency-Key"));
        engine.checkPublishRate(req.getRemoteAddr());
        checkContentType(req.getContentType());

        int limit = engine.settings().messageMaxSize;
        if (req.getContentLengthLong() > limit) {
            throw engine.tooLarge();
        }
        String data = engine.validData(readUtf8(req.getInputStream(), limit, engine));
        Published p = engine.publishFromClient(
                new ClientPublish(channel, event, data, req.getUserPrincipal(), "http", req.getRemoteAddr()), key,
                engine.access(new ServletAccessRequest(req, "publish")));
        resp.setStatus(HttpServletResponse.SC_ACCEPTED);
        HttpErrors.writeJson(resp, "{\"channel\":\"" + p.channel() + "\",\"id\":\"" + p.id() + "\"}");
    }

    private static void checkContentType(String contentType) {
        if (contentType != null) {
            String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"))) {
                return;
            }
        }
        throw new RealtimeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "send the message as Content-Type: application/json" + (contentType == null ? "" : ", not " + contentType));
    }

    /** Reads at most {@code limit} bytes of strict UTF-8; more is 413, invalid UTF-8 is invalid_json. */
    private static String readUtf8(InputStream in, int limit, Engine engine) throws IOException {
        byte[] body = in.readNBytes(limit + 1);
        if (body.length > limit) {
            throw engine.tooLarge();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new RealtimeException(ErrorCode.INVALID_JSON, "the body is not valid UTF-8");
        }
    }
}
