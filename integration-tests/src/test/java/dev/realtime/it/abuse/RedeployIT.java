package dev.realtime.it.abuse;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.BufferedReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploys and undeploys a realtime WAR again and again in one Tomcat while a WebSocket, an SSE stream
 * and a held long-poll are open: every client is told, and nothing of the application stays behind
 * (threads, class loaders, MBeans, meters in Micrometer's global registry, which the test class path
 * shares with the application), as Tomcat's own leak detection sees it.
 */
@ExtendWith(ArquillianExtension.class)
class RedeployIT {
    static final int ROUNDS = 5;
    static final String CHANNEL = "redeploy:room";

    @Deployment(name = "redeploy", managed = false, testable = false)
    static WebArchive war() {
        return Deployments.war("redeploy", Map.of("realtime.heartbeat.interval", "1s", "realtime.ws.pingInterval", "1s"))
                .addClass(EngineProbeServlet.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void everyClientIsToldAndNothingLeaksAcrossTenRedeploys() throws Exception {
        URL base = new URL("http://localhost:" + System.getProperty("it.http.port") + "/redeploy/");
        Http http = new Http(base);
        ExecutorService clientThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "redeploy-test-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder().executor(clientThreads).connectTimeout(Duration.ofSeconds(5)).build();
        LoaderRefs.LOADERS.clear();
        Set<String> realtimeThreadsBefore = realtimeThreads();
        int threadsBefore = liveThreadsAfterGc();

        try (LogWatch log = LogWatch.attach()) {
            for (int round = 1; round <= ROUNDS; round++) {
                deployer.deploy("redeploy");
                assertThat(http.get("/test/abuse/sessions?track").body()).as("round " + round).isEqualTo("0");

                Frames ws = new Frames();
                client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(URI.create("ws://localhost:" + base.getPort() + "/redeploy/realtime/ws?channel=" + CHANNEL), ws).join();
                assertThat(ws.next()).contains("\"subscribed\"");
                Socket sseSocket = RawHttp.open(base);
                BufferedReader sse = SlowConsumerIT.openRawSse(base, sseSocket, CHANNEL);
                assertThat(http.publish(CHANNEL, "{\"round\":" + round + "}").statusCode()).isEqualTo(202);
                assertThat(ws.next()).contains("\"round\":" + round);
                assertThat(SlowConsumerIT.nextSseEvent(sse).data()).contains("\"round\":" + round);

                CompletableFuture<HttpResponse<String>> poll = client.sendAsync(
                        HttpRequest.newBuilder(http.uri("/realtime/poll?timeout=30000&channel=" + CHANNEL)).build(),
                        HttpResponse.BodyHandlers.ofString());
                awaitSessions(http, 3);

                assertThat(server().queryNames(new ObjectName("dev.realtime:context=/redeploy,*"), null))
                        .as("round " + round + ": the application's MBeans").hasSize(4);

                deployer.undeploy("redeploy");
                assertThat(server().queryNames(new ObjectName("dev.realtime:context=/redeploy,*"), null))
                        .as("round " + round + ": MBeans left after undeploy").isEmpty();

                assertThat(ws.closeCode.get(10, TimeUnit.SECONDS)).as("round " + round + ": WebSocket close code").isEqualTo(1001);
                sseSocket.setSoTimeout(10_000);
                assertThat(SlowConsumerIT.nextSseEvent(sse)).as("round " + round + ": the SSE stream ended").isNull();
                sseSocket.close();
                HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as("round " + round + ": the held poll is answered: " + answer.body()).isEqualTo(200);
                JsonObject body = Http.json(answer);
                assertThat(body.getJsonArray("messages")).isEmpty();
                assertThat(body.getString("cursor")).isNotBlank();
            }
            assertThat(LoaderRefs.LOADERS).as("one web application class loader per round").hasSize(ROUNDS);

            // the library's threads are gone, and the thread count is back near where it was
            awaitNoThreadsBut(realtimeThreadsBefore);
            int threadsAfter = liveThreadsAfterGc();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (threadsAfter > threadsBefore + 10 && System.nanoTime() < end) {
                Thread.sleep(500);
                threadsAfter = liveThreadsAfterGc();
            }
            assertThat(threadsAfter).as("live threads after %d redeploys (before: %d): %s", ROUNDS, threadsBefore, threadNames())
                    .isLessThanOrEqualTo(threadsBefore + 10);

            // Tomcat's own leak detection (the Manager's "find leaks"), and our weak references to the class loaders
            // only this test's own context: on JDK 17 a web application that ever called a record's equals (drop-oldest
            // compares Outbound.Gap records) stays pinned by the JDK's MethodHandle asType cache until another one replaces it
            List<String> leaks = Arrays.stream(findLeaks()).filter(c -> c.equals("/redeploy")).toList();
            assertThat(leaks).as("contexts Tomcat finds leaking after undeploy").isEmpty();
            assertThat(LoaderRefs.alive()).as("web application class loaders still reachable").isZero();

            assertThat(log.alarming).as("SEVERE or WARNING-with-stack-trace records:\n" + LogWatch.describe(log.alarming)).isEmpty();
            List<String> leakWarnings = log.all.stream()
                    .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith("org.apache.catalina.loader"))
                    .filter(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                    .filter(r -> !tomcatsOwnBackgroundThread(r))
                    .map(r -> r.getLevel() + " " + r.getMessage() + " " + Arrays.toString(r.getParameters()))
                    .toList();
            assertThat(leakWarnings).as("Tomcat's class loader leak warnings (threads, ThreadLocals, timers)").isEmpty();
        } finally {
            clientThreads.shutdownNow();
        }
    }

    /**
     * Tomcat's own background processor ({@code Catalina-utility-N}) binds the context's class loader
     * while it runs {@code StandardContext.backgroundProcess}; when that overlaps an undeploy, Tomcat
     * reports its own thread. Not something a web application can start or stop.
     */
    static boolean tomcatsOwnBackgroundThread(java.util.logging.LogRecord r) {
        String m = String.valueOf(r.getMessage());
        return m.contains("a thread named [Catalina-utility-") && m.contains("org.apache.catalina.core.StandardContext.backgroundProcess");
    }

    static MBeanServer server() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    /** Asks the Host MBean, as the Manager application does, after full collections. */
    static String[] findLeaks() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> hosts = server.queryNames(new ObjectName("*:type=Host,*"), null);
        assertThat(hosts).as("Tomcat's Host MBean is registered").isNotEmpty();
        ObjectName host = hosts.iterator().next();
        String[] leaks = new String[0];
        for (int attempt = 0; attempt < 20; attempt++) {
            System.gc();
            Thread.sleep(250);
            leaks = (String[]) server.invoke(host, "findReloadedContextMemoryLeaks", null, null);
            if (Arrays.stream(leaks).noneMatch(c -> c.equals("/redeploy")) && LoaderRefs.alive() == 0) {
                break;
            }
        }
        return leaks;
    }

    static Set<String> realtimeThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("realtime-")).collect(Collectors.toSet());
    }

    static void awaitNoThreadsBut(Set<String> before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Set<String> extra;
        do {
            extra = realtimeThreads();
            extra.removeAll(before);
            if (extra.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < end);
        assertThat(extra).as("realtime- threads left after undeploy").isEmpty();
    }

    static int liveThreadsAfterGc() throws InterruptedException {
        System.gc(); // unreferenced HTTP clients' selector threads end once collected
        Thread.sleep(200);
        return Thread.getAllStackTraces().size();
    }

    static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
    }

    static void awaitSessions(Http http, int expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String n;
        while (!(n = http.get("/test/abuse/sessions").body()).equals(String.valueOf(expected)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(n).as("live sessions").isEqualTo(String.valueOf(expected));
    }

    /** Text frames and the close code of one JDK WebSocket. */
    static final class Frames implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closeCode.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String t = texts.poll(10, TimeUnit.SECONDS);
            assertThat(t).as("a frame within 10 s").isNotNull();
            return t;
        }
    }
}
