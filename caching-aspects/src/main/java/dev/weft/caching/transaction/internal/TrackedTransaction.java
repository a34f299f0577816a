package dev.weft.caching.transaction.internal;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.transaction.TransactionScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One transaction as Weft tracks it (DESIGN section 12): the invalidations made inside it, repeated after the commit,
 * and the keys that loads inside it stored, removed if it rolls back.
 *
 * <p>Why the invalidations are repeated: one made inside the transaction removes the entry at once, but the data
 * changes only at the commit. A load that runs in between, on any thread of any instance, reads the old committed row
 * and stores it: its load began after the invalidation, so the no-stale-write-back rule has nothing to refuse. The
 * repeat after the commit removes that entry, and refuses the store of any load still in flight that began before
 * it; a load that begins after it reads the committed row.
 *
 * <p>Why loads stop storing once the transaction wrote ({@link #mayStore()} false after its first invalidation): its
 * own thread would read its uncommitted rows. Such a load stores nothing and opens no flight that concurrent callers
 * could join, so no other thread sees those rows before the commit, and nothing of them is left after a rollback.
 * Loads before the first invalidation store as usual, but a write that Weft did not hear of (plain SQL before the
 * read) may already show in them: their keys are remembered, and a rollback removes them. At most
 * {@value #MAX_REMEMBERED_KEYS} are remembered; past that, the transaction's loads store nothing either.
 *
 * <p>Thread-safe: the transaction's thread records, an asynchronous load may complete on another thread, and a
 * transaction manager may complete the transaction on a third (a JTA timeout).
 */
public final class TrackedTransaction implements TransactionScope {

    private static final Logger LOG = LoggerFactory.getLogger(TrackedTransaction.class);

    /** How many stored keys a transaction remembers for its rollback before its loads stop storing. */
    public static final int MAX_REMEMBERED_KEYS = 10_000;

    private enum State { OPEN, COMMITTED, ROLLED_BACK, UNKNOWN }

    private final String origin;
    /** The scope that was bound to the thread before this one (thread-bound scopes only). */
    final TrackedTransaction previous;
    private State state = State.OPEN;
    private boolean wrote;
    private boolean clear;
    private final Set<String> keys = new LinkedHashSet<>();
    private final Set<String> dependencies = new LinkedHashSet<>();
    private final Set<String> stored = new HashSet<>();

    TrackedTransaction(String origin, TrackedTransaction previous) {
        this.origin = origin;
        this.previous = previous;
    }

    // ---- what the load path asks ---------------------------------------------------------------------------------

    /**
     * Whether a load owned by the transaction's thread may store its result (and share it with concurrent callers):
     * not once the transaction invalidated something, nor past {@value #MAX_REMEMBERED_KEYS} remembered keys.
     */
    public synchronized boolean mayStore() {
        return !wrote && stored.size() < MAX_REMEMBERED_KEYS;
    }

    /**
     * A load that began inside this transaction stored {@code key}: remembered, to be removed if the transaction rolls
     * back. When the transaction already ended with a rollback (an asynchronous load that completed late), the entry is
     * removed at once.
     */
    public void stored(String key) {
        synchronized (this) {
            if (state == State.OPEN) {
                stored.add(key);
                return;
            }
            if (state == State.COMMITTED) {
                return;
            }
        }
        remove(List.of(key));
    }

    // ---- what invalidations record -------------------------------------------------------------------------------

    /** The entry of {@code key} was invalidated inside this transaction: repeat it after the commit. */
    public synchronized void invalidatedKey(String key) {
        if (state == State.OPEN) {
            wrote = true;
            keys.add(key);
        }
    }

    /** Entries carrying {@code dependency} were invalidated inside this transaction: repeat it after the commit. */
    public synchronized void invalidatedDependency(String dependency) {
        if (state == State.OPEN) {
            wrote = true;
            dependencies.add(dependency);
        }
    }

    /** The cache was cleared inside this transaction: clear it again after the commit. */
    public synchronized void cleared() {
        if (state == State.OPEN) {
            wrote = true;
            clear = true;
            keys.clear();
            dependencies.clear();
        }
    }

    // ---- outcome -------------------------------------------------------------------------------------------------

    @Override
    public void afterCommit() {
        end(State.COMMITTED);
    }

    @Override
    public void afterRollback() {
        end(State.ROLLED_BACK);
    }

    @Override
    public void close() {
        end(State.UNKNOWN);
    }

    @Override
    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    private void end(State outcome) {
        boolean repeatClear;
        List<String> repeatKeys;
        List<String> repeatDependencies;
        List<String> removeKeys;
        synchronized (this) {
            if (state != State.OPEN) {
                return;
            }
            state = outcome;
            boolean committed = outcome != State.ROLLED_BACK;   // UNKNOWN: do both
            boolean rolledBack = outcome != State.COMMITTED;
            repeatClear = committed && clear;
            repeatKeys = committed && !clear ? new ArrayList<>(keys) : List.of();
            repeatDependencies = committed && !clear ? new ArrayList<>(dependencies) : List.of();
            // after a clear that is repeated, nothing is left to remove
            removeKeys = rolledBack && !repeatClear ? new ArrayList<>(stored) : List.of();
            keys.clear();
            dependencies.clear();
            stored.clear();
        }
        Transactions.ended(this);
        if (outcome == State.UNKNOWN && (repeatClear || !repeatKeys.isEmpty() || !repeatDependencies.isEmpty()
                || !removeKeys.isEmpty())) {
            LOG.debug("A {} transaction scope ended without an outcome: repeating its invalidations and removing "
                    + "what it stored", origin);
        }
        CachingBackend backend;
        try {
            backend = CachingRuntime.backend();
        } catch (RuntimeException e) {
            LOG.warn("Could not follow the end of a {} transaction: no caching backend", origin, e);
            return;
        }
        if (repeatClear) {
            apply("clear the cache", null, backend::clear);
        }
        for (String key : repeatKeys) {
            apply("invalidate", key, () -> backend.invalidate(key));
        }
        for (String dependency : repeatDependencies) {
            apply("invalidate the dependency", dependency, () -> backend.invalidateDependency(dependency));
        }
        remove(removeKeys);
    }

    private void remove(List<String> removeKeys) {
        if (removeKeys.isEmpty()) {
            return;
        }
        CachingBackend backend;
        try {
            backend = CachingRuntime.backend();
        } catch (RuntimeException e) {
            LOG.warn("Could not remove what a rolled-back {} transaction loaded: no caching backend", origin, e);
            return;
        }
        for (String key : removeKeys) {
            apply("remove, as loaded inside a rolled-back transaction,", key, () -> backend.invalidate(key));
        }
    }

    private void apply(String what, String key, Runnable operation) {
        try {
            operation.run();
        } catch (RuntimeException e) {
            // the transaction is over: its caller cannot act on a cache failure, and must not get one
            LOG.warn("After a {} transaction ended, could not {}", origin, what, e);
            if (key != null) {
                LOG.debug("... the key was {}", key);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "TransactionScope{" + origin + ", " + state + (wrote ? ", wrote" : "") + '}';
    }
}
