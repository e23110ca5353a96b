package dev.realtime.internal;

import dev.realtime.Message;

/** One item waiting in a connection's outbound queue. Transports turn each into their own framing. */
public sealed interface Outbound {

    /** Heap size used for queue accounting. */
    int weight();

    /**
     * A message, with the connection's cursor as it stands right after this message; an ephemeral
     * message (protocol 1.1) has none, since it moves no cursor. {@code live}: it came from the bus as
     * published, not read from history (only those count in the delivery lag).
     */
    record Delivery(Message message, String cursor, boolean live) implements Outbound {
        @Override
        public int weight() {
            return message.weight() + (cursor == null ? 0 : cursor.length());
        }
    }

    /** A presence event or member list of a channel (protocol 1.1): the event object's fields, without braces. */
    record Presence(String channel, String fields) implements Outbound {
        @Override
        public int weight() {
            return fields.length() + 32;
        }
    }

    /** Messages of this channel were lost before what follows. */
    record Gap(String channel) implements Outbound {
        @Override
        public int weight() {
            return 64;
        }
    }

    /** A transport-specific frame kept in order with the messages (WebSocket {@code subscribed}, {@code ack}, ...). */
    record Control(String text) implements Outbound {
        @Override
        public int weight() {
            return text.length() + 32;
        }
    }
}
