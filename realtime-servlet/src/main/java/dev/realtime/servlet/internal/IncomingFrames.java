package dev.realtime.servlet.internal;

import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A WebSocket's incoming messages, taken in parts and put together here up to
 * {@code realtime.ws.maxFrameSize}. Whole-message handlers would make the container buffer every
 * message at that size: Tomcat gives each connection, at its first text message, a buffer of the
 * configured maximum (128 Ki chars, 256 KiB, kept for the connection's life), which was most of the
 * heap of a connection that ever sent a frame. With parts, Tomcat keeps its 8 Ki-char default and
 * only a message larger than that is put together, for as long as it arrives.
 */
final class IncomingFrames {
    private final int limit;
    private final Consumer<String> text;
    private final Runnable binary;
    private final Runnable tooBig;

    private IncomingFrames(int limit, Consumer<String> text, Runnable binary, Runnable tooBig) {
        this.limit = limit;
        this.text = text;
        this.binary = binary;
        this.tooBig = tooBig;
    }

    /**
     * Adds the handlers to {@code ws}: {@code text} gets each whole text message, {@code binary} runs
     * once per binary message, {@code tooBig} once for a message over the limit (the rest of it is dropped).
     */
    static void attach(Session ws, int limit, Consumer<String> text, Runnable binary, Runnable tooBig) {
        if (!ws.getClass().getName().startsWith("org.apache.tomcat.websocket.")) {
            // other containers may apply these as limits on whole messages even to partial handlers
            ws.setMaxTextMessageBufferSize(limit);
            ws.setMaxBinaryMessageBufferSize(limit);
        }
        IncomingFrames in = new IncomingFrames(limit, text, binary, tooBig);
        ws.addMessageHandler(String.class, in.new Text());
        ws.addMessageHandler(ByteBuffer.class, in.new Binary());
    }

    /** Text parts: most messages come whole, as one last part, and are never copied. */
    private final class Text implements MessageHandler.Partial<String> {
        private StringBuilder parts;
        private long bytes;
        private boolean dropping;

        @Override
        public void onMessage(String part, boolean last) {
            if (!dropping) {
                bytes += Utf8.length(part, limit);
                if (bytes > limit) {
                    dropping = true;
                    parts = null;
                    tooBig.run();
                } else if (last && parts == null) {
                    text.accept(part);
                } else {
                    if (parts == null) {
                        parts = new StringBuilder(part.length() * 2);
                    }
                    parts.append(part);
                    if (last) {
                        String whole = parts.toString();
                        parts = null;
                        text.accept(whole);
                    }
                }
            }
            if (last) {
                bytes = 0;
                dropping = false;
            }
        }
    }

    /** Binary parts are not the protocol's: answered once per message, or as too big. */
    private final class Binary implements MessageHandler.Partial<ByteBuffer> {
        private long bytes;
        private boolean dropping;

        @Override
        public void onMessage(ByteBuffer part, boolean last) {
            if (!dropping) {
                bytes += part.remaining();
                if (bytes > limit) {
                    dropping = true;
                    tooBig.run();
                } else if (last) {
                    binary.run();
                }
            }
            if (last) {
                bytes = 0;
                dropping = false;
            }
        }
    }
}
