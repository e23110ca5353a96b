package dev.realtime.cdi;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds publishes made inside a JTA transaction until it commits ({@link #defer}); a rollback drops
 * them. Uses the server's {@link TransactionSynchronizationRegistry}, looked up once at start-up (a
 * JNDI lookup on every publish would cost more than the publish).
 */
final class Transactions {
    private static final System.Logger LOG = System.getLogger(Transactions.class.getName());
    static final String JNDI_NAME = "java:comp/TransactionSynchronizationRegistry";
    /** The key of a transaction's pending publishes in the registry's per-transaction resources. */
    private static final Object PENDING = new Object();

    private final TransactionSynchronizationRegistry registry;

    Transactions(TransactionSynchronizationRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, or null where there is none (no JTA, or not looked up from a component). */
    static Transactions lookup() {
        if (!RealtimeCdiBootstrap.visible("jakarta.transaction.TransactionSynchronizationRegistry", Transactions.class.getClassLoader())) {
            return null;
        }
        try {
            Object found = new InitialContext().lookup(JNDI_NAME);
            return found instanceof TransactionSynchronizationRegistry r ? new Transactions(r) : null;
        } catch (NamingException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no " + JNDI_NAME + ": publishes go at once", e);
            return null;
        }
    }

    /** Whether the calling thread is in a transaction (of any status). */
    boolean inTransaction() {
        return registry.getTransactionStatus() != Status.STATUS_NO_TRANSACTION;
    }

    /**
     * Inside an active transaction: keeps {@code publish} to run after the commit, in the order of the
     * calls, and returns true; a transaction marked for rollback drops it (true as well). Outside a
     * transaction: false, and the caller publishes at once.
     */
    boolean defer(Runnable publish) {
        int status = registry.getTransactionStatus();
        if (status == Status.STATUS_NO_TRANSACTION) {
            return false;
        }
        if (status == Status.STATUS_MARKED_ROLLBACK || status == Status.STATUS_ROLLEDBACK || status == Status.STATUS_ROLLING_BACK) {
            return true;
        }
        if (status != Status.STATUS_ACTIVE) {
            return false; // preparing or committing: what runs now is part of the completion, publish at once
        }
        @SuppressWarnings("unchecked")
        List<Runnable> pending = (List<Runnable>) registry.getResource(PENDING);
        if (pending == null) {
            List<Runnable> fresh = new ArrayList<>();
            registry.putResource(PENDING, fresh);
            registry.registerInterposedSynchronization(new AfterCommit(fresh));
            pending = fresh;
        }
        pending.add(publish);
        return true;
    }

    /** Runs a transaction's publishes once it committed. */
    private record AfterCommit(List<Runnable> pending) implements Synchronization {
        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                return;
            }
            for (Runnable publish : pending) {
                try {
                    publish.run();
                } catch (RuntimeException e) {
                    // the commit cannot be undone: say what was lost
                    LOG.log(System.Logger.Level.WARNING, "a publish held for its transaction failed after the commit: " + e.getMessage(), e);
                }
            }
        }
    }
}
