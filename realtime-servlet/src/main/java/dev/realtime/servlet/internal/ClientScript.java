package dev.realtime.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Serves the JavaScript client and its TypeScript declarations from the jar. */
public final class ClientScript {
    private static final Map<String, String> FILES = Map.of(
            "/realtime.js", "text/javascript;charset=utf-8",
            "/realtime.d.ts", "application/typescript;charset=utf-8");

    private ClientScript() {
    }

    /** @return false when {@code path} is not one of the client files */
    public static boolean serve(String path, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = FILES.get(path);
        if (type == null) {
            return false;
        }
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            throw new HttpErrors.MethodNotAllowed("GET, HEAD");
        }
        try (InputStream in = ClientScript.class.getResourceAsStream("/dev/realtime/servlet/client" + path)) {
            if (in == null) {
                return false;
            }
            byte[] body = in.readAllBytes();
            resp.setContentType(type);
            resp.setHeader("Cache-Control", "no-cache");
            resp.setContentLength(body.length);
            if (req.getMethod().equals("GET")) {
                resp.getOutputStream().write(body);
            }
            return true;
        }
    }
}
