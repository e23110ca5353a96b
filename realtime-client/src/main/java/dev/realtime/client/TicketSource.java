package dev.realtime.client;

/**
 * Where the client gets connection tickets (docs/wire-protocol-v1.md, version 1.1): typically a call
 * to the application's ticket endpoint with the service's own credentials. Called on a thread of the
 * client's own, never on an I/O thread, whenever the client needs a ticket: to connect without a
 * valid resume token, and shortly before its credential expires, to refresh it. May block; an
 * exception is reported to the {@link ConnectionListener} and the client tries again with backoff.
 *
 * <pre>{@code
 * RealtimeClient.builder(base).tickets(() -> http.send(HttpRequest.newBuilder(ticketsUri)
 *         .header("Authorization", "Bearer " + serviceToken()).POST(noBody()).build(), ofString()).body())
 * }</pre>
 */
@FunctionalInterface
public interface TicketSource {

    /** A fresh ticket, as the application's {@code Realtime.issueTicket} returned it. */
    String ticket() throws Exception;
}
