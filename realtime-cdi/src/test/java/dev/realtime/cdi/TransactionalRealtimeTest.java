package dev.realtime.cdi;

import dev.realtime.Message;
import dev.realtime.RealtimeException;
import dev.realtime.internal.Engine;
import dev.realtime.internal.Engines;
import dev.realtime.internal.Settings;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Publishes held for a transaction, against a real engine and a registry that behaves as the JTA
 * specification says (the container matrix checks the same with Payara's and WildFly's own).
 */
class TransactionalRealtimeTest {
    final Engine engine = Engines.start(new Settings(Map.<String, String>of()::get), "/tx-test", getClass().getClassLoader());
    final Registry registry = new Registry();
    final TransactionalRealtime realtime = new TransactionalRealtime(engine, new Transactions(registry));
    final List<String> seen = new CopyOnWriteArrayList<>();

    TransactionalRealtimeTest() {
        engine.observe("orders", m -> seen.add(m.data()));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void outsideATransactionItPublishesAtOnce() {
        Message m = realtime.publish("orders", Map.of("n", 1));
        assertThat(m.id()).isEqualTo("1");
        assertThat(seen).containsExactly("{\"n\":1}");
    }

    @Test
    void aCommitDeliversInOrderAfterTheCommitOnly() {
        registry.begin();
        assertThat(realtime.publish("orders", Map.of("n", 1))).as("held: no id yet").isNull();
        assertThat(realtime.publishJson("orders", "update", "{\"n\":2}")).isNull();
        assertThat(seen).as("before the commit").isEmpty();
        registry.end(Status.STATUS_COMMITTED);
        assertThat(seen).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(registry.synchronizations).as("one synchronization per transaction").isEqualTo(1);
    }

    @Test
    void aRollbackDeliversNothing() {
        registry.begin();
        realtime.publish("orders", Map.of("n", 1));
        registry.end(Status.STATUS_ROLLEDBACK);
        realtime.publish("orders", Map.of("n", 2));
        assertThat(seen).containsExactly("{\"n\":2}");
    }

    @Test
    void aTransactionMarkedForRollbackDropsThePublish() {
        registry.begin();
        registry.status = Status.STATUS_MARKED_ROLLBACK;
        assertThat(realtime.publish("orders", Map.of("n", 1))).isNull();
        registry.end(Status.STATUS_ROLLEDBACK);
        assertThat(seen).isEmpty();
    }

    @Test
    void aBadPublishFailsAtTheCallNotAtTheCommit() {
        registry.begin();
        assertThatThrownBy(() -> realtime.publish("no spaces", Map.of())).isInstanceOf(RealtimeException.class);
        assertThatThrownBy(() -> realtime.publishJson("orders", null, "{not json")).isInstanceOf(RealtimeException.class);
        registry.end(Status.STATUS_COMMITTED);
        assertThat(seen).isEmpty();
    }

    @Test
    void aFailureAfterTheCommitIsLoggedNotThrown() {
        registry.begin();
        realtime.publish("orders", Map.of("n", 1));
        engine.close(); // publishing now fails: shutting_down
        registry.end(Status.STATUS_COMMITTED);
        assertThat(seen).isEmpty();
    }

    /** One thread's transaction at a time, as a TransactionSynchronizationRegistry shows it. */
    static final class Registry implements TransactionSynchronizationRegistry {
        int status = Status.STATUS_NO_TRANSACTION;
        final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> interposed = new ArrayList<>();
        int synchronizations;

        void begin() {
            status = Status.STATUS_ACTIVE;
        }

        void end(int outcome) {
            status = outcome;
            for (Synchronization s : interposed) {
                s.afterCompletion(outcome);
            }
            interposed.clear();
            resources.clear();
            status = Status.STATUS_NO_TRANSACTION;
        }

        @Override
        public Object getTransactionKey() {
            return status == Status.STATUS_NO_TRANSACTION ? null : this;
        }

        @Override
        public void putResource(Object key, Object value) {
            resources.put(key, value);
        }

        @Override
        public Object getResource(Object key) {
            return resources.get(key);
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            if (status != Status.STATUS_ACTIVE) {
                throw new IllegalStateException("not active");
            }
            synchronizations++;
            interposed.add(sync);
        }

        @Override
        public int getTransactionStatus() {
            return status;
        }

        @Override
        public void setRollbackOnly() {
            status = Status.STATUS_MARKED_ROLLBACK;
        }

        @Override
        public boolean getRollbackOnly() {
            return status == Status.STATUS_MARKED_ROLLBACK;
        }
    }
}
