package dev.realtime.sample.ee;

import dev.realtime.Realtime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adds tasks in a JTA transaction. The publish to {@code tasks} is made inside it, so clients get it
 * only once the transaction commits; when the method throws, the transaction rolls back and they get
 * nothing. (A real application writes the task to its database in the same transaction.)
 */
@ApplicationScoped
public class TaskBoard {
    @Inject
    Realtime realtime;

    private final AtomicInteger ids = new AtomicInteger();

    @Transactional
    public int add(String title, boolean fail) {
        int id = ids.incrementAndGet();
        realtime.publish("tasks", Map.of("id", id, "title", title));   // held until the commit
        if (fail) {
            throw new Refused("task " + id + " was refused after it was published: its transaction rolled back, nobody saw it");
        }
        return id;
    }

    /** Unchecked, so {@code @Transactional} rolls back. */
    public static class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
