package dev.realtime;

import java.security.Principal;
import java.util.Optional;

/**
 * One client connection as a {@link RealtimeListener} sees it. On long-polling a connection is a poll
 * session: with {@code realtime.poll.linger} one session serves consecutive polls of a client.
 */
public interface Connection {

    /** Unique within the web application while it runs. */
    String id();

    /** The user the connection acts as: a ticket's, else the container's; empty for anonymous clients. */
    Optional<Principal> principal();

    /** {@code websocket}, {@code sse} or {@code longpoll} ({@code local} for sessions opened in code). */
    String transport();

    /** The client's address as the container sees it. */
    String remoteAddress();
}
