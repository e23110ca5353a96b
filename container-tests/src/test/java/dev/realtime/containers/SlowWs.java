package dev.realtime.containers;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket reader on a raw socket with a small receive buffer, reading only when asked: a reader
 * that stops reading fills its buffers at once, whatever a client library would buffer for it.
 */
final class SlowWs implements AutoCloseable {
    static final int TEXT = 1;
    static final int CLOSE = 8;

    /** A whole message, or a control frame. */
    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    final Socket socket = new Socket();
    private final DataInputStream in;

    SlowWs(URI http) throws IOException {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(http.getHost(), http.getPort()), 5000);
        socket.setSoTimeout((int) Wire.WAIT.toMillis());
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String target = http.getRawPath() + (http.getRawQuery() == null ? "" : "?" + http.getRawQuery());
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + http.getHost() + ":" + http.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("handshake refused: " + head);
        }
    }

    /** The next message (fragments joined) or control frame; EOFException when the server closed the connection without a close frame. */
    Frame read() throws IOException {
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                throw new EOFException("connection closed by the server");
            }
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if ((b0 & 0x0F) >= 8) {
                return new Frame(b0 & 0x0F, payload); // control frames may come between fragments
            }
            if (opcode < 0) {
                opcode = b0 & 0x0F;
            }
            message.write(payload);
            if ((b0 & 0x80) != 0) {
                return new Frame(opcode, message.toByteArray());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
