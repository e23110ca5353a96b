package dev.realtime.bench.baseline;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** Bare WebSocket: every open session receives every message published to its channel ({@code /ws?channel=}). */
@ServerEndpoint("/ws")
public class BaselineSocket {
    @OnOpen
    public void open(Session session) {
        session.setMaxIdleTimeout(0);
        java.util.List<String> names = session.getRequestParameterMap().get("channel");
        Hub.Channel ch = Hub.channel(names == null || names.isEmpty() ? null : names.get(0));
        session.getUserProperties().put("channel", ch);
        Hub.add(ch, session);
    }

    private static void drop(Session session) {
        Object ch = session.getUserProperties().get("channel");
        if (ch instanceof Hub.Channel c) {
            Hub.remove(c, session);
        } else {
            Hub.sockets.remove(session);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        drop(session);
    }

    @OnError
    public void error(Session session, Throwable t) {
        drop(session);
    }
}
