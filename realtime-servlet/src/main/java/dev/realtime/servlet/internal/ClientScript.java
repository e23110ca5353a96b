package dev.realtime.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Serves the JavaScript client from the jar: {@code realtime.js}, the modules it imports
 * ({@code realtime-<part>.js}, next to it) and the TypeScript declarations. Each file carries an
 * ETag, so the browser's revalidation of a page's modules (and of the shared worker's) is a 304.
 */
public final class ClientScript {
    private static final Pattern MODULE = Pattern.compile("/realtime(-[a-z]+)?\\.js");
    private static final String DECLARATIONS = "/realtime.d.ts";
    private static final Map<String, File> FILES = new ConcurrentHashMap<>();

    private record File(byte[] body, String etag) {
    }

    private ClientScript() {
    }

    /** @return false when {@code path} is not one of the client files */
    public static boolean serve(String path, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = MODULE.matcher(path).matches() ? "text/javascript;charset=utf-8"
                : path.equals(DECLARATIONS) ? "application/typescript;charset=utf-8" : null;
        if (type == null) {
            return false;
        }
        if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
            throw new HttpErrors.MethodNotAllowed("GET, HEAD");
        }
        File file = FILES.get(path);
        if (file == null) {
            file = load(path);
            if (file == null) {
                return false; // not cached: names that match but do not exist must not fill the map
            }
            FILES.putIfAbsent(path, file);
        }
        resp.setContentType(type);
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("ETag", file.etag());
        if (file.etag().equals(req.getHeader("If-None-Match"))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return true;
        }
        resp.setContentLength(file.body().length);
        if (req.getMethod().equals("GET")) {
            resp.getOutputStream().write(file.body());
        }
        return true;
    }

    private static File load(String path) {
        try (InputStream in = ClientScript.class.getResourceAsStream("/dev/realtime/servlet/client" + path)) {
            if (in == null) {
                return null;
            }
            byte[] body = in.readAllBytes();
            CRC32 crc = new CRC32();
            crc.update(body);
            return new File(body, "\"" + Long.toHexString(crc.getValue()) + "-" + body.length + "\"");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
