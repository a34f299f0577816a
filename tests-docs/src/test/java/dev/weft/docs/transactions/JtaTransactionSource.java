package dev.weft.docs.transactions;

import dev.weft.caching.CachingServices;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.TransactionSource;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** docs/invalidation.md, Transactions: Weft following JTA transactions. */
public final class JtaTransactionSource implements TransactionSource {

    private final TransactionSynchronizationRegistry registry;

    public JtaTransactionSource(TransactionSynchronizationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public TransactionScope current() {
        if (registry.getTransactionKey() == null) {
            return null;
        }
        TransactionScope scope = (TransactionScope) registry.getResource(JtaTransactionSource.class);
        if (scope == null) {
            TransactionScope created = TransactionScope.create();
            registry.putResource(JtaTransactionSource.class, created);
            registry.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        created.afterCommit();
                    } else if (status == Status.STATUS_ROLLEDBACK) {
                        created.afterRollback();
                    } else {
                        created.close();
                    }
                }
            });
            scope = created;
        }
        return scope;
    }

    static void startUp(TransactionSynchronizationRegistry registry) {
        CachingServices.addTransactionSource(new JtaTransactionSource(registry));
    }
}
