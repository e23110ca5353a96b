package dev.realtime.it.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault proxy does what the fault tests rely on, against an echo server: each fault can be seen from the client. */
class FaultProxyIT {
    private ServerSocket echo;
    private FaultProxy proxy;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the client went away
                        }
                    }, "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.start("test", "127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void forwardsBothWays() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "hello")).isEqualTo("hello");
        assertThat(proxy.openConnections()).isEqualTo(1);
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        Socket s = connect();
        proxy.latency(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThat(roundTrip(s, "slow")).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void bandwidthPacesTheBytes() throws IOException {
        Socket s = connect();
        proxy.bandwidth(2000);
        String text = "x".repeat(2000);
        long start = System.nanoTime();
        assertThat(roundTrip(s, text)).isEqualTo(text);
        // 2,000 bytes at 2,000 bytes a second, each way (the echo sends back while the rest still arrives)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aBlackHoleHoldsTheBytesSilentlyUntilRestored() throws IOException {
        Socket s = connect();
        proxy.blackHole();
        s.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8));
        s.setSoTimeout(700);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        proxy.restore();
        s.setSoTimeout(5000);
        assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("held");
    }

    @Test
    void halfOpenConnectionsLoseEverythingAndSayNothingWhileNewOnesWork() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "before")).isEqualTo("before");
        proxy.halfOpen();
        s.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
        s.setSoTimeout(700);
        assertThatThrownBy(() -> s.getInputStream().read()).as("no answer, no EOF, no reset").isInstanceOf(SocketTimeoutException.class);
        proxy.restore();
        assertThatThrownBy(() -> s.getInputStream().read()).as("still silent after restore").isInstanceOf(SocketTimeoutException.class);
        assertThat(roundTrip(connect(), "new")).isEqualTo("new");
    }

    @Test
    void resetSendsRstAndNewConnectionsWork() throws IOException {
        Socket s = connect();
        assertThat(roundTrip(s, "a")).isEqualTo("a");
        proxy.reset();
        assertThatThrownBy(() -> {
            s.getOutputStream().write(1);
            s.getInputStream().read();
        }).isInstanceOf(SocketException.class);
        assertThat(roundTrip(connect(), "b")).isEqualTo("b");
    }

    @Test
    void aCutRefusesUntilRestored() throws IOException {
        Socket s = connect();
        proxy.cut();
        assertThatThrownBy(() -> roundTrip(s, "a")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> roundTrip(connect(), "b")).as("a new connection is reset").isInstanceOf(IOException.class);
        proxy.restore();
        assertThat(roundTrip(connect(), "c")).isEqualTo("c");
    }

    /** A connection through the proxy, once the proxy has set it up (so a fault reaches it). */
    private Socket connect() throws IOException {
        int before = proxy.acceptedConnections();
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(5000);
        sockets.add(s);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (proxy.acceptedConnections() == before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        byte[] back = s.getInputStream().readNBytes(bytes.length);
        if (back.length < bytes.length) {
            throw new IOException("the connection ended after " + back.length + " bytes: " + Arrays.toString(back));
        }
        return new String(back, StandardCharsets.UTF_8);
    }
}
