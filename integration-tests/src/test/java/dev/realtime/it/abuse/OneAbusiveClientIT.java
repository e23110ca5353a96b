package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21, "done when": one abusive client within every documented limit, under load. It posts
 * 60 KiB bodies to 12 channels from four connections as fast as the publish rate allows (the
 * attack that filled a 512 MB heap in 9 s), while a well-behaved client publishes over a WebSocket
 * and long-polls another channel. The heap stays within the history bound (plus what the server
 * needs anyway) and the well-behaved poller gets every message. The server runs in this JVM, so
 * its heap is this JVM's, measured after full collections.
 */
@ExtendWith(ArquillianExtension.class)
class OneAbusiveClientIT {
    /** The history bound under test (bytes); 16 MiB is the smallest default. */
    private static final long BOUND = 16L << 20;
    /** What the server may hold besides history: buffers, sessions, caches warmed by the attack. */
    private static final long SLACK = 24L << 20;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("abusive", Map.of("realtime.history.maxBytes", Long.toString(BOUND)));
    }

    @ArquillianResource
    URL base;

    @Test
    void largeBodiesWithinEveryLimitNeitherGrowTheHeapPastTheHistoryBoundNorStarveAnotherClient() throws Exception {
        Http http = new Http(base);
        String body = "\"" + "x".repeat(60 * 1024 - 64) + "\"";
        long heapBefore = usedHeapAfterGc();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<String> unexpected = new ArrayList<>();
        ExecutorService attackers = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            attackers.execute(() -> {
                for (int i = thread; !stop.get(); i += 4) {
                    HttpResponse<String> r = http.publish("big-" + (i % 12), body);
                    if (r.statusCode() == 202) {
                        accepted.incrementAndGet();
                    } else if (r.statusCode() == 429) {
                        refused.incrementAndGet(); // the publish rate: the client stays within it by being refused
                    } else {
                        synchronized (unexpected) {
                            unexpected.add(r.statusCode() + " " + r.body());
                        }
                    }
                }
            });
        }

        // the well-behaved client: publishes over a WebSocket, reads over long-polling, meanwhile
        String cursor = Http.json(http.get("/realtime/poll?channel=calm&timeout=0")).getString("cursor");
        List<Integer> received = new ArrayList<>();
        int sent = 40;
        try (WsClient ws = new WsClient(http.ws("?channel=other"))) {
            ws.next("subscribed");
            CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < sent; i++) {
                    ws.send("{\"type\":\"publish\",\"channel\":\"calm\",\"data\":" + i + "}");
                    sleep(100);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < sent && System.nanoTime() < deadline) {
                HttpResponse<String> r = http.get("/realtime/poll?channel=calm&timeout=5000&since=" + Http.enc(cursor));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonObject page = Http.json(r);
                for (JsonValue m : page.getJsonArray("messages")) {
                    received.add(m.asJsonObject().getInt("data"));
                }
                cursor = page.getString("cursor");
            }
            publisher.get(30, TimeUnit.SECONDS);
            // the attack goes on until it has pushed several times the bound through, however slow the machine
            long attackDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (accepted.get() * 60L * 1024 <= 4 * BOUND && System.nanoTime() < attackDeadline) {
                Thread.sleep(100);
            }
        } finally {
            stop.set(true);
            attackers.shutdown();
            assertThat(attackers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }

        long growth = usedHeapAfterGc() - heapBefore;
        System.out.printf("OneAbusiveClientIT: %d large publishes accepted (%d MiB), %d refused at the rate limit; heap growth %d MiB (bound %d MiB)%n",
                accepted.get(), accepted.get() * 60L / 1024, refused.get(), growth >> 20, BOUND >> 20);
        assertThat(unexpected).as("the attacker gets 202 or 429, nothing else").isEmpty();
        assertThat(accepted.get() * 60L * 1024).as("the attack pushed several times the bound through").isGreaterThan(3 * BOUND);
        assertThat(received).as("the well-behaved client got every message, in order, during the attack")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, sent).boxed().toList());
        assertThat(growth).as("heap growth after the attack stays within the history bound").isLessThan(BOUND + SLACK);
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
