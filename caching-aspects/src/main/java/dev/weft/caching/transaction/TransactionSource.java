package dev.weft.caching.transaction;

/**
 * Tells Weft which transaction the current thread runs in, for a transaction manager Weft does not follow by itself
 * (Spring's it does). Register one with {@code CachingServices.addTransactionSource(...)}.
 *
 * <p>An implementation returns {@code null} outside a transaction (and may for a read-only one). Inside one, the
 * first call creates a scope with {@link TransactionScope#create()}, attaches it to the transaction (a resource of the
 * transaction, such as JTA's {@code TransactionSynchronizationRegistry.putResource}), and arranges for
 * {@link TransactionScope#afterCommit()} or {@link TransactionScope#afterRollback()} to be called when the transaction
 * completes; later calls in the same transaction return the same scope.
 *
 * <p>Weft asks on every invalidation and on every cached call that misses, so {@link #current()} must be cheap
 * outside a transaction. It must not throw.
 */
@FunctionalInterface
public interface TransactionSource {

    /** The scope of the transaction the current thread runs in, or {@code null} when it runs in none. */
    TransactionScope current();
}
