package dev.realtime.containers.app;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;
import dev.realtime.servlet.RealtimeEndpoint;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import java.util.List;

/**
 * An application's own annotated endpoint serving the realtime protocol at its own path, with its own
 * handshake check (a ticket in the query) before the library's, as README's example shows.
 */
@ServerEndpoint(value = "/live", configurator = LiveSocket.Checks.class)
public class LiveSocket {
    private final RealtimeEndpoint realtime = new RealtimeEndpoint();

    @OnOpen
    public void open(Session session, EndpointConfig config) {
        realtime.onOpen(session, config);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        realtime.onClose(session, reason);
    }

    @OnError
    public void error(Session session, Throwable error) {
        realtime.onError(session, error);
    }

    public static class Checks extends RealtimeEndpoint.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            List<String> ticket = request.getParameterMap().get("ticket");
            if (ticket == null || !ticket.contains("open-sesame")) {
                refuse(config, new RealtimeException(ErrorCode.FORBIDDEN, "show your ticket"));
                return;
            }
            super.modifyHandshake(config, request, response);
        }
    }
}
