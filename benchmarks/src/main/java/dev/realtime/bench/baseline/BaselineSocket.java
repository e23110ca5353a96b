package dev.realtime.bench.baseline;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** Bare WebSocket: every open session receives every published message. */
@ServerEndpoint("/ws")
public class BaselineSocket {
    @OnOpen
    public void open(Session session) {
        session.setMaxIdleTimeout(0);
        Hub.sockets.add(session);
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        Hub.sockets.remove(session);
    }

    @OnError
    public void error(Session session, Throwable t) {
        Hub.sockets.remove(session);
    }
}
