package dev.weft.caching.transaction.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.TransactionSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Finds the transaction the current thread runs in: a scope bound to the thread by {@link TransactionScope#begin()},
 * else the first registered {@link TransactionSource} that knows one (Spring's, registered by itself when spring-tx
 * is on the class path).
 *
 * <p>{@link #current()} is the load path's one question about transactions: asked when a load is about to begin (may
 * it store?) and by every invalidation (record it for after the commit). Outside any transaction it costs a volatile
 * read, plus one thread-local read per source (Spring's: its synchronization flag).
 */
public final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private static final String SPRING_SYNCHRONIZATION =
            "org.springframework.transaction.support.TransactionSynchronizationManager";

    private static final ThreadLocal<TrackedTransaction> BOUND = new ThreadLocal<>();
    /** False until the first {@link #begin()}: until then no thread can have a bound scope. */
    private static volatile boolean anyBound;
    private static volatile TransactionSource[] sources = builtInSources();
    private static final Object SOURCES_LOCK = new Object();

    private Transactions() {
    }

    /** The transaction the current thread runs in, or {@code null}. */
    public static TrackedTransaction current() {
        if (anyBound) {
            TrackedTransaction bound = bound();
            if (bound != null) {
                return bound;
            }
        }
        TransactionSource[] s = sources;
        for (TransactionSource source : s) {
            TransactionScope scope;
            try {
                scope = source.current();
            } catch (RuntimeException e) {
                LOG.warn("Transaction source {} failed; treating the call as outside a transaction", source, e);
                continue;
            }
            if (scope != null) {
                if (!(scope instanceof TrackedTransaction)) {
                    throw new CachingConfigurationException("Transaction source " + source + " returned " + scope
                            + ", which TransactionScope.create() did not create");
                }
                TrackedTransaction t = (TrackedTransaction) scope;
                if (t.isOpen()) {
                    return t;
                }
            }
        }
        return null;
    }

    /** The innermost open scope bound to this thread; forgets those that ended (possibly on another thread). */
    private static TrackedTransaction bound() {
        TrackedTransaction t = BOUND.get();
        if (t == null || t.isOpen()) {
            return t;
        }
        while (t != null && !t.isOpen()) {
            t = t.previous;
        }
        if (t == null) {
            BOUND.remove();
        } else {
            BOUND.set(t);
        }
        return t;
    }

    /** See {@link TransactionScope#begin()}. */
    public static TransactionScope begin() {
        TrackedTransaction t = new TrackedTransaction("thread-bound", bound());
        anyBound = true;
        BOUND.set(t);
        return t;
    }

    /** See {@link TransactionScope#create()}. */
    public static TransactionScope create() {
        return new TrackedTransaction("source", null);
    }

    /** Unbinds a scope that ended, when it is the current thread's. */
    static void ended(TrackedTransaction t) {
        if (anyBound && BOUND.get() == t) {
            bound();
        }
    }

    /** Adds a source, asked after the thread-bound scope and the sources added before it. */
    public static void addSource(TransactionSource source) {
        Objects.requireNonNull(source, "source");
        synchronized (SOURCES_LOCK) {
            List<TransactionSource> list = new ArrayList<>(Arrays.asList(sources));
            list.add(source);
            sources = list.toArray(new TransactionSource[0]);
        }
    }

    /** Removes a source added before; returns whether it was there. */
    public static boolean removeSource(TransactionSource source) {
        synchronized (SOURCES_LOCK) {
            List<TransactionSource> list = new ArrayList<>(Arrays.asList(sources));
            boolean removed = list.remove(source);
            sources = list.toArray(new TransactionSource[0]);
            return removed;
        }
    }

    private static TransactionSource[] builtInSources() {
        ClassLoader loader = Transactions.class.getClassLoader();
        try {
            Class.forName(SPRING_SYNCHRONIZATION, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return new TransactionSource[0];
        }
        try {
            TransactionSource spring = new SpringTransactions();
            LOG.debug("spring-tx is on the class path: cached calls and invalidations follow Spring transactions");
            return new TransactionSource[] {spring};
        } catch (LinkageError e) {
            LOG.warn("spring-tx is on the class path but cannot be used ({}); Spring transactions are not followed",
                    e.toString());
            return new TransactionSource[0];
        }
    }
}
