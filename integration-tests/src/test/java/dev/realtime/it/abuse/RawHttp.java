package dev.realtime.it.abuse;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 on a raw socket, for requests no well-behaved client would send (broken request lines,
 * huge headers, invalid encodings) and for readers that stop reading.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** A response as read off the wire; {@code status} -1 when the server closed without answering. */
    record Response(int status, String head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + head.replace("\r\n", " | ") + " body: " + t.substring(0, Math.min(300, t.length()));
        }
    }

    static Socket open(URL base) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    /**
     * Sends the bytes as they are (the request should ask for {@code Connection: close}) and reads one
     * response. A write the server cut short (it answered early and closed) is not an error: the
     * response is still read.
     */
    static Response exchange(URL base, byte[] request) throws IOException {
        try (Socket s = open(base)) {
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the server may answer before reading everything (413, 400) and close
            }
            return read(s.getInputStream());
        }
    }

    static Response exchange(URL base, String request) throws IOException {
        return exchange(base, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response: head, then a body framed by Content-Length, chunked encoding or the end of the connection. */
    static Response read(InputStream in) throws IOException {
        String head;
        try {
            head = readHead(in);
        } catch (EOFException | java.net.SocketException e) {
            return new Response(-1, "", new byte[0]);
        }
        int status = Integer.parseInt(head.substring(9, 12));
        Response headOnly = new Response(status, head, new byte[0]);
        String length = headOnly.header("Content-Length");
        String encoding = headOnly.header("Transfer-Encoding");
        String type = headOnly.header("Content-Type");
        if (type != null && type.startsWith("text/event-stream")) {
            return headOnly; // a stream that does not end: the head is the answer
        }
        byte[] body;
        try {
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                body = new Chunked(in).readAllBytes();
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length));
            } else if (status == 101 || status == 204 || status == 304) {
                body = new byte[0];
            } else {
                body = in.readAllBytes();
            }
        } catch (java.net.SocketException e) {
            body = new byte[0]; // reset after the head: the head is what counts
        }
        return new Response(status, head, body);
    }

    /** The status line and headers, up to the blank line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed before the response head ended: " + b);
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** True when the server closed the connection (EOF or reset) within the time given. */
    static boolean closedWithin(Socket s, long millis) throws IOException {
        s.setSoTimeout((int) millis);
        try {
            byte[] buf = new byte[8192];
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                if (s.getInputStream().read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Decodes a chunked body. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long remaining;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String size = line();
                int semi = size.indexOf(';');
                remaining = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (remaining == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            remaining -= n;
            if (remaining == 0) {
                line(); // CRLF after the chunk
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new EOFException("connection closed inside chunk framing");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }
}
