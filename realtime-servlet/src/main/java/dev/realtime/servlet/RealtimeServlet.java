package dev.realtime.servlet;

import dev.realtime.ErrorCode;
import dev.realtime.Realtime;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.servlet.internal.ClientScript;
import dev.realtime.servlet.internal.HttpErrors;
import dev.realtime.servlet.internal.MalformedQuery;
import dev.realtime.servlet.internal.Origins;
import dev.realtime.servlet.internal.PollRequest;
import dev.realtime.servlet.internal.PresenceSnapshot;
import dev.realtime.servlet.internal.PublishRequest;
import dev.realtime.servlet.internal.SseStream;
import dev.realtime.servlet.internal.WsUpgrade;
import dev.realtime.servlet.internal.health.HealthEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The HTTP side of realtime, mapped at {@code <base>/*}: {@code poll}, {@code sse}, {@code ws}
 * (WebSocket upgrade), {@code publish}, {@code health}, {@code presence} (protocol 1.1), and the JavaScript client. Must be async-supported. Map it
 * yourself in web.xml (with {@code realtime.autoRegister=false}) to put the endpoints elsewhere.
 */
public class RealtimeServlet extends HttpServlet {
    private static final System.Logger LOG = System.getLogger(RealtimeServlet.class.getName());

    private transient Engine engine;
    private transient Origins origins;
    /** Whether the container offers WebSocket: without it {@code /ws} is answered before any WebSocket class loads. */
    private transient boolean webSocket;

    @Override
    public void init() throws ServletException {
        Object e = getServletContext().getAttribute(Realtime.ATTRIBUTE);
        if (!(e instanceof Engine)) {
            throw new ServletException("realtime is not started: " + RealtimeBootstrap.class.getName()
                    + " did not run. With a metadata-complete web.xml, declare it as a <listener>.");
        }
        engine = (Engine) e;
        origins = new Origins(engine.settings().allowedOrigins);
        webSocket = RealtimeBootstrap.offersWebSocket(getServletContext());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String method = req.getMethod();
        try {
            String query = req.getQueryString();
            if (query != null && query.length() > engine.settings().queryMaxLength) {
                throw new RealtimeException(ErrorCode.PAYLOAD_TOO_LARGE, "the query string is longer than "
                        + engine.settings().queryMaxLength + " characters (realtime.query.maxLength)");
            }
            switch (path) {
                case "/poll" -> {
                    if (method.equals("OPTIONS")) {
                        origins.preflight(req, resp); // a cross-origin fetch with a Realtime-Ticket header asks first
                    } else if (allow(req, "GET")) {
                        origins.cors(req, resp);
                        PollRequest.start(engine, req, resp);
                    }
                }
                case "/sse" -> {
                    if (method.equals("OPTIONS")) {
                        origins.preflight(req, resp);
                    } else if (allow(req, "GET")) {
                        origins.cors(req, resp);
                        SseStream.start(engine, req, resp);
                    }
                }
                case "/publish" -> {
                    if (method.equals("OPTIONS")) {
                        origins.preflight(req, resp);
                    } else if (allow(req, "POST")) {
                        origins.checkWrite(req);
                        origins.cors(req, resp);
                        PublishRequest.handle(engine, req, resp);
                    }
                }
                case "/presence" -> {
                    if (allow(req, "GET")) {
                        origins.cors(req, resp);
                        PresenceSnapshot.handle(engine, req, resp);
                    }
                }
                case "/ws" -> {
                    if (!webSocket) {
                        throw new RealtimeException(ErrorCode.NOT_FOUND, "this container offers no WebSocket support; use sse or poll");
                    }
                    if (allow(req, "GET")) {
                        WsUpgrade.upgrade(engine, req, resp);
                    }
                }
                case "/health" -> HealthEndpoint.answer(engine, req, resp);
                default -> {
                    if (!ClientScript.serve(path, req, resp)) {
                        throw new RealtimeException(ErrorCode.NOT_FOUND, "no realtime endpoint at " + path
                                + "; the endpoints are poll, sse, ws, publish, presence and health");
                    }
                }
            }
        } catch (RealtimeException e) {
            HttpErrors.send(req, resp, e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // e.g. a query string the container could not decode: the client's mistake, not ours
            LOG.log(System.Logger.Level.DEBUG, "refused a malformed request", e);
            HttpErrors.send(req, resp, MalformedQuery.explain(req.getQueryString()));
        }
    }

    private static boolean allow(HttpServletRequest req, String method) {
        if (req.getMethod().equals(method)) { // no HEAD: it would open a stream or hold a poll for nothing
            return true;
        }
        throw new HttpErrors.MethodNotAllowed(method);
    }
}
