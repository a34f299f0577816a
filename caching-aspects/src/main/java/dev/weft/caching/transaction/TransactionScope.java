package dev.weft.caching.transaction;

import dev.weft.caching.transaction.internal.Transactions;

/**
 * Weft's record of one database transaction, so that the cache follows its commit or rollback (see
 * {@code docs/invalidation.md}, "Transactions"):
 * <ul>
 *   <li>an invalidation made inside it ({@code @InvalidateCache}, {@code CachingServices.invalidate*}) applies at
 *       once and is repeated, through the default backend and so in every instance, by {@link #afterCommit()}: a
 *       load that read the old row between the two is not left in the cache;</li>
 *   <li>once it has invalidated something (it wrote), a cached call on its thread that misses runs its body and
 *       stores nothing, nor shares its result with concurrent callers: other threads never see its uncommitted
 *       data;</li>
 *   <li>what loads inside it stored before that is removed by {@link #afterRollback()}.</li>
 * </ul>
 *
 * <p>Spring transactions are followed without any code when spring-tx is on the class path. For code that begins and
 * commits transactions itself:
 *
 * <pre>{@code
 * try (TransactionScope cache = TransactionScope.begin()) {   // bound to this thread until closed
 *     connection.setAutoCommit(false);
 *     productService.renameProduct(42, "Ristretto");           // invalidates now, and again after the commit
 *     connection.commit();
 *     cache.afterCommit();
 * }                                                             // closed without an outcome: assumes the worst
 * }</pre>
 *
 * <p>For another transaction manager, register a {@link TransactionSource} that attaches a scope from
 * {@link #create()} to the manager's transaction.
 *
 * <p>Thread-safe; the outcome methods may be called from any thread, and only the first outcome counts.
 */
public interface TransactionScope extends AutoCloseable {

    /**
     * Starts tracking a transaction that the current thread runs, until the scope ends: cached calls and invalidations
     * on this thread belong to it. A scope begun while another is bound to the thread hides that one until it ends
     * (like a nested, independent transaction).
     */
    static TransactionScope begin() {
        return Transactions.begin();
    }

    /**
     * Creates a scope bound to no thread, for a {@link TransactionSource} to attach to its manager's transaction and
     * return while that transaction runs.
     */
    static TransactionScope create() {
        return Transactions.create();
    }

    /**
     * The transaction committed: repeats its invalidations through the default backend (which publishes them to the
     * other instances when it is an invalidator), then ends the scope. Call it after the commit, never before.
     * Failures are logged, never thrown.
     */
    void afterCommit();

    /**
     * The transaction rolled back: removes the entries that loads inside it stored, then ends the scope. Failures are
     * logged, never thrown.
     */
    void afterRollback();

    /** Whether the scope has not ended yet. */
    boolean isOpen();

    /**
     * Ends the scope. When neither {@link #afterCommit()} nor {@link #afterRollback()} was called, the outcome is
     * unknown, and Weft assumes the worst: it repeats the invalidations and removes what loads stored. Ending a scope
     * twice does nothing.
     */
    @Override
    void close();
}
