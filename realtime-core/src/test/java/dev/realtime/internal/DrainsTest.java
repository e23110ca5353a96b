package dev.realtime.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DrainsTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everySubmittedDrainRunsOnceWhateverTheRace() throws Exception {
        Drains drains = new Drains(pool, 2);
        int submitters = 4;
        int each = 50_000;
        CountDownLatch done = new CountDownLatch(submitters * each);
        AtomicInteger runs = new AtomicInteger();
        Thread[] threads = new Thread[submitters];
        for (int t = 0; t < submitters; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    drains.submit(() -> {
                        runs.incrementAndGet();
                        done.countDown();
                    });
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).as("no drain left stranded in the queue").isTrue();
        Thread.sleep(50);
        assertThat(runs.get()).isEqualTo(submitters * each);
    }

    @Test
    void manyDrainsShareFewTasksAndNeverRunOnTheCaller() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        Drains drains = new Drains(r -> {
            tasks.incrementAndGet();
            pool.execute(r);
        }, 1);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(500);
        drains.submit(() -> {
            try {
                gate.await(); // keeps the only drainer busy while the rest are queued
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 500; i++) {
            drains.submit(() -> {
                ranOn.add(Thread.currentThread());
                done.countDown();
            });
        }
        gate.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(tasks.get()).as("executor tasks for 501 wake-ups while the drainer was busy").isEqualTo(1);
        assertThat(ranOn).doesNotContain(Thread.currentThread());
    }

    @Test
    void aFailingDrainDoesNotStopTheOthers() throws Exception {
        Drains drains = new Drains(pool, 1);
        CountDownLatch done = new CountDownLatch(1);
        drains.submit(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        drains.submit(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
