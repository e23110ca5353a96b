package dev.realtime.servlet.internal;

import dev.realtime.ErrorCode;
import dev.realtime.Realtime;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the protocol's JSON error bodies. */
public final class HttpErrors {
    private HttpErrors() {
    }

    /** 405 with the method that is allowed, for the {@code Allow} header. */
    public static final class MethodNotAllowed extends RealtimeException {
        final String allowed;

        public MethodNotAllowed(String allowed) {
            super(ErrorCode.METHOD_NOT_ALLOWED, "use " + allowed + " here");
            this.allowed = allowed;
        }
    }

    public static void send(HttpServletRequest req, HttpServletResponse resp, RealtimeException e) throws IOException {
        if (req.getServletContext().getAttribute(Realtime.ATTRIBUTE) instanceof Engine engine) {
            engine.metrics().refused(e.code());
        }
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(e.code().status());
        if (e instanceof MethodNotAllowed m) {
            resp.setHeader("Allow", m.allowed.equals("POST") ? "POST, OPTIONS" : m.allowed);
        }
        writeJson(resp, e.toJson());
    }

    /** Writes the body; returns its length in bytes. */
    public static int writeJson(HttpServletResponse resp, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        resp.setContentType("application/json;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff"); // an error body is never to be read as HTML or script
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
        return body.length;
    }
}
