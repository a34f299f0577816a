package dev.weft.caching.transaction.internal;

import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.TransactionSource;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Follows Spring's transactions through {@link TransactionSynchronizationManager}: the scope of an actual, read-write
 * transaction is a resource bound to it, and a {@link TransactionSynchronization} ends the scope after the commit or
 * rollback. Only loaded when spring-tx is on the class path.
 *
 * <p>Read-only transactions write nothing, so they are not tracked; neither is a transaction-less synchronization
 * scope (propagation SUPPORTS without a transaction), whose statements commit one by one. A transaction suspended by
 * REQUIRES_NEW takes its scope with it ({@link Completion#suspend()}), so the inner transaction gets its own.
 */
final class SpringTransactions implements TransactionSource {

    /** The resource key of the bound scope. */
    private static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "Weft transaction scope";
        }
    };

    @Override
    public TransactionScope current() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || !TransactionSynchronizationManager.isActualTransactionActive()
                || TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
            return null;
        }
        TrackedTransaction scope = (TrackedTransaction) TransactionSynchronizationManager.getResource(KEY);
        if (scope == null) {
            scope = new TrackedTransaction("Spring", null);
            TransactionSynchronizationManager.bindResource(KEY, scope);
            TransactionSynchronizationManager.registerSynchronization(new Completion(scope));
        }
        return scope;
    }

    @Override
    public String toString() {
        return "Spring transactions";
    }

    /** Ends the scope when Spring's transaction completes; unbinds it while the transaction is suspended. */
    private static final class Completion implements TransactionSynchronization {

        private final TrackedTransaction scope;

        Completion(TrackedTransaction scope) {
            this.scope = scope;
        }

        @Override
        public void suspend() {
            TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
        }

        @Override
        public void resume() {
            TransactionSynchronizationManager.bindResource(KEY, scope);
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
            switch (status) {
                case STATUS_COMMITTED -> scope.afterCommit();
                case STATUS_ROLLED_BACK -> scope.afterRollback();
                default -> scope.close();   // unknown (a heuristic outcome): assume the worst
            }
        }
    }
}
