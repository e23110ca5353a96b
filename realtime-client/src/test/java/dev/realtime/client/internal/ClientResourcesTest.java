package dev.realtime.client.internal;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.realtime.client.PublishMode;
import dev.realtime.client.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: the JDK finishes an exchange that close() cancelled on the HTTP client's executor after
 * close() returned; on JDK 17 a rejected task leaves the client's pending-operation count above zero,
 * and its selector thread then never ends. So close() leaves that executor running, and it goes idle.
 */
class ClientResourcesTest {

    private static ClientConfig config() {
        return new ClientConfig(URI.create("http://127.0.0.1:9/rt"), Transport.LONG_POLLING, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), null, null, 16, 16, Duration.ofMillis(10),
                Duration.ofMillis(20), 1, PublishMode.HTTP, null, null, null);
    }

    @Test
    void theHttpExecutorStillRunsTheJdksWorkAfterCloseThenItsThreadsEnd() throws Exception {
        ClientResources resources = new ClientResources(config());
        Executor executor = resources.http.executor().orElseThrow();
        resources.close();
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(ran::countDown); // as the JDK does when a cancelled poll ends after close()
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        ThreadPoolExecutor pool = (ThreadPoolExecutor) executor;
        await("the idle HTTP threads to end", Duration.ofSeconds(10), () -> pool.getPoolSize() == 0);
    }
}
