package dev.realtime.client.internal;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The client's {@link HttpClient} as every transport sees it when tickets are configured: each request
 * and WebSocket handshake presents {@link TicketAuth#credential()} in the {@code Realtime-Ticket}
 * header (never in a URL), and each answer's resume token goes back to the {@link TicketAuth}. So
 * polls, streams, publishes and handshakes carry tickets without knowing about them. Cancelling a
 * returned future aborts the exchange, as with the JDK's own client.
 */
final class TicketingHttpClient extends HttpClient {
    private final HttpClient delegate;
    private final TicketAuth auth;

    TicketingHttpClient(HttpClient delegate, TicketAuth auth) {
        this.delegate = delegate;
        this.auth = auth;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return sendAsync(request, handler, null);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        Exchange<T> exchange = new Exchange<>();
        auth.credential().whenComplete((credential, error) -> {
            if (error != null) {
                exchange.completeExceptionally(error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
                return;
            }
            HttpRequest withTicket = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(TicketAuth.HEADER))
                    .header(TicketAuth.HEADER, credential).build();
            exchange.start(delegate.sendAsync(withTicket, info -> {
                auth.answered(info.statusCode(), info.headers(), credential);
                return handler.apply(info);
            }, push));
        });
        return exchange;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        try {
            return sendAsync(request, handler).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    /** The future a caller holds: completes with the real exchange, and cancelling it aborts that exchange. */
    private static final class Exchange<T> extends CompletableFuture<HttpResponse<T>> {
        private CompletableFuture<HttpResponse<T>> started;

        void start(CompletableFuture<HttpResponse<T>> exchange) {
            synchronized (this) {
                started = exchange;
            }
            if (isCancelled()) {
                exchange.cancel(true);
            }
            exchange.whenComplete((r, e) -> {
                if (e != null) {
                    completeExceptionally(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
                } else {
                    complete(r);
                }
            });
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            boolean cancelled = super.cancel(mayInterrupt);
            CompletableFuture<HttpResponse<T>> s;
            synchronized (this) {
                s = started;
            }
            if (s != null) {
                s.cancel(true);
            }
            return cancelled;
        }
    }

    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return new TicketingWebSocketBuilder();
    }

    /** Records the handshake's settings; adds the credential when the handshake starts. */
    private final class TicketingWebSocketBuilder implements WebSocket.Builder {
        private final List<UnaryOperator<WebSocket.Builder>> settings = new ArrayList<>();

        @Override
        public WebSocket.Builder header(String name, String value) {
            settings.add(b -> b.header(name, value));
            return this;
        }

        @Override
        public WebSocket.Builder connectTimeout(Duration timeout) {
            settings.add(b -> b.connectTimeout(timeout));
            return this;
        }

        @Override
        public WebSocket.Builder subprotocols(String mostPreferred, String... lesserPreferred) {
            settings.add(b -> b.subprotocols(mostPreferred, lesserPreferred));
            return this;
        }

        @Override
        public CompletableFuture<WebSocket> buildAsync(URI uri, WebSocket.Listener listener) {
            return auth.credential().thenCompose(credential -> {
                WebSocket.Builder b = delegate.newWebSocketBuilder();
                settings.forEach(s -> s.apply(b));
                return b.header(TicketAuth.HEADER, credential).buildAsync(uri, listener);
            });
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
