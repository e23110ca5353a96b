package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSE clients that close their connection give their connection slot back within a few seconds
 * (two probes of {@code realtime.sse.probeInterval}), not after two heartbeats: the heartbeat stays
 * at its default 15 s here.
 */
@ExtendWith(ArquillianExtension.class)
class SseClosureIT {
    static final int SLOTS = 50;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("sseclosure", Map.of("realtime.connections.perAddress", String.valueOf(SLOTS),
                "realtime.sse.probeInterval", "1s"));
    }

    @ArquillianResource
    URL base;

    /** Opens a stream; the status line tells whether it got a slot (200) or not (429). */
    Socket open() throws IOException {
        Socket s = RawHttp.open(base);
        s.getOutputStream().write(("GET " + base.getPath().replaceAll("/$", "") + "/realtime/sse?channel=closure HTTP/1.1\r\nHost: x\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    static int status(Socket s) throws IOException {
        String head = RawHttp.readHead(s.getInputStream());
        return Integer.parseInt(head.split(" ", 3)[1]);
    }

    @Test
    void closedStreamsFreeTheirSlotsWithinSeconds() throws Exception {
        List<Socket> streams = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            Socket s = open();
            assertThat(status(s)).as("stream " + i).isEqualTo(200);
            streams.add(s);
        }
        try (Socket extra = open()) {
            assertThat(status(extra)).as("the address holds all its slots").isEqualTo(429);
        }
        for (Socket s : streams) {
            s.close();
        }
        long closed = System.nanoTime();

        // open them again as soon as the server lets us: every slot must come back
        List<Socket> again = new ArrayList<>();
        try {
            while (again.size() < SLOTS && System.nanoTime() - closed < 20_000_000_000L) {
                Socket s = open();
                if (status(s) == 200) {
                    again.add(s);
                } else {
                    s.close();
                    Thread.sleep(100);
                }
            }
            long millis = (System.nanoTime() - closed) / 1_000_000;
            assertThat(again).as("slots free again").hasSize(SLOTS);
            // two probes 1 s apart, checked every 500 ms, plus a loaded machine's slack; the heartbeat alone takes 15-30 s
            assertThat(millis).as("time until every slot was free (ms)").isLessThan(8_000);
        } finally {
            for (Socket s : again) {
                s.close();
            }
        }
    }
}
