package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.internal.key.MethodKey;
import dev.weft.caching.internal.load.Interception;
import dev.weft.caching.internal.load.LoadContext;
import dev.weft.caching.internal.load.ThreadState;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * What a cached call does after a miss on the hit path: take a result (a hit found on the slow path, another
 * thread's load, an intercepted call), rethrow another thread's failure, or run the body, as the owner of a load
 * that will be stored, or uncached.
 *
 * <p>The woven advice uses it as: {@code if (!load.mustRun()) return load.result();} then runs the body and calls
 * {@link #complete(Object)} with its result or {@link #fail(Throwable)} with its exception. Confined to the calling
 * thread, except for the completion of an asynchronous result, which runs where that result completes.
 */
public final class Load {

    private static final Logger LOG = LoggerFactory.getLogger(Load.class);

    private static final int RESULT = 0;
    private static final int FAILED = 1;
    private static final int RUN_UNCACHED = 2;
    private static final int RUN_UNCACHED_NESTED = 3;
    private static final int OWNER = 4;

    private static final Load RUN_UNCACHED_LOAD = new Load(RUN_UNCACHED, null);

    private final int kind;
    private final Object result;

    // owner state
    private CachedMethod method;
    private MethodKey key;
    private CachingBackend backend;
    private LoadToken token;
    private Flight flight;
    private LoadContext context;
    private ThreadState thread;
    private Interception pausedInterception;
    private Object target;
    private Object[] args;
    private long startNanos;
    /** The transaction the owner's thread ran in when the load began, or {@code null}. */
    private TrackedTransaction transaction;

    private Load(int kind, Object result) {
        this.kind = kind;
        this.result = result;
    }

    static Load result(Object value) {
        return new Load(RESULT, value);
    }

    static Load failed(Throwable t) {
        return new Load(FAILED, t);
    }

    /**
     * The body runs without storing anything. Inside an enclosing cached call, the call still passes its key and
     * dependencies up: the enclosing item depends on what this call returned, stored or not.
     */
    static Load runUncached(CachedMethod method, MethodKey key, ThreadState thread) {
        LoadContext enclosing = thread.context();
        if (enclosing == null || enclosing.isBarrier()) {
            return RUN_UNCACHED_LOAD;
        }
        Load l = new Load(RUN_UNCACHED_NESTED, null);
        l.method = method;
        l.key = key;
        l.thread = thread;
        l.context = new LoadContext(enclosing, key);
        thread.push(l.context);
        return l;
    }

    static Load owner(CachedMethod method, MethodKey key, CachingBackend backend, LoadToken token, Flight flight,
                      ThreadState thread, Interception pausedInterception, Object target, Object[] args,
                      TrackedTransaction transaction) {
        Load l = new Load(OWNER, null);
        l.method = method;
        l.key = key;
        l.backend = backend;
        l.token = token;
        l.flight = flight;
        l.thread = thread;
        l.pausedInterception = pausedInterception;
        l.target = target;
        l.args = args;
        l.transaction = transaction;
        l.context = new LoadContext(thread.context(), key);
        thread.push(l.context);
        l.startNanos = System.nanoTime();
        return l;
    }

    /** Whether the caller must run the method body; if not, {@link #result()} is the call's outcome. */
    public boolean mustRun() {
        return kind >= RUN_UNCACHED;
    }

    /** The call's result; rethrows the exception of the load this call waited for. */
    public Object result() {
        if (kind == FAILED) {
            throw Load.<RuntimeException>sneakyThrow((Throwable) result);
        }
        return result;
    }

    /** Records the body's result: stores it unless an invalidation made it stale. Returns what the caller gets. */
    public Object complete(Object returned) {
        if (kind == RUN_UNCACHED_NESTED) {
            thread.pop(context);
            CachedMethod.propagate(thread, key, method.dependenciesOf(key, context.collected()));
            return returned;
        }
        if (kind != OWNER) {
            return returned;
        }
        thread.pop(context);
        restoreInterception();
        if (flight != null) {
            flight.bodyRunning = false;
        }
        Set<String> dependencies = method.dependenciesOf(key, context.collected());
        CachedMethod.propagate(thread, key, dependencies);
        ResultShape shape = method.shape;
        if (shape != null && shape.isAsync()) {
            if (flight != null) {
                flight.bodyReturned(dependencies);
            }
            return completeAsync((ResultShape.Future) shape, (CompletionStage<?>) returned, dependencies);
        }
        Object stored;
        try {
            stored = method.toStored(returned);
        } catch (Exception e) {
            // the adapter could not materialize the result: the caller gets the failure, nothing is stored
            recordFailure(e);
            throw Load.<RuntimeException>sneakyThrow(e);
        }
        boolean ok = store(stored, dependencies);
        if (flight != null) {
            flight.complete(ok, stored, dependencies);
        }
        return method.toCaller(stored);
    }

    private Object completeAsync(ResultShape.Future shape, CompletionStage<?> stage, Set<String> dependencies) {
        if (stage == null) {
            // nothing to wait for and nothing to store; joiners see a null result
            abandon();
            if (flight != null) {
                flight.shared.complete(null);
            }
            return null;
        }
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                abandon();
                method.statistics.loadFailures.increment();
                if (flight != null) {
                    flight.shared.completeExceptionally(failure);
                }
            } else {
                store(value, dependencies);
                if (flight != null) {
                    flight.shared.complete(value);
                }
            }
        });
        // every caller, the owner included, gets its own dependent: one caller's cancel cannot fail the others
        return flight != null ? shape.share(flight.shared) : stage;
    }

    private boolean store(Object stored, Set<String> dependencies) {
        boolean ok = false;
        try {
            if (flight != null) {
                // Close the flight to new joiners before storing: one that joined after the store could have
                // started after an invalidation that removed it, and must not get this value.
                method.inFlight.remove(key, flight);
            }
            MethodSettings s = method.settings;
            if (transaction != null && !transaction.mayStore()) {
                // the body itself wrote inside the transaction: its result may show uncommitted rows
                backend.abandon(token);
                LOG.debug("Not storing {}: it was loaded inside a transaction that wrote", key);
                return false;
            }
            ok = backend.set(token, CacheItem.of(stored, s.absoluteExpiration, s.slidingExpiration, dependencies));
            if (ok && transaction != null) {
                transaction.stored(key.canonical());
            }
            if (!ok) {
                method.statistics.staleWriteBacksPrevented.increment();
                LOG.debug("Not storing {}: it was invalidated while it was loaded", key);
            } else if (s.autoReload) {
                method.reloader().remember(backend, key, stored, dependencies, target, args);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not store {} in the caching backend; returning the value uncached", key, e);
        } finally {
            method.statistics.loads.increment();
            method.statistics.loadNanos.add(System.nanoTime() - startNanos);
        }
        return ok;
    }

    private void abandon() {
        try {
            if (flight != null) {
                method.inFlight.remove(key, flight);
            }
            backend.abandon(token);
        } catch (RuntimeException e) {
            LOG.warn("Caching backend failed to abandon the load of {}", key, e);
        }
    }

    /**
     * Records that the body threw {@code t}: nothing is stored and waiting callers get {@code t}. Then rethrows
     * {@code t} unchanged, checked or not; the return type only lets the advice write {@code throw load.fail(t)}.
     */
    public RuntimeException fail(Throwable t) {
        if (kind == RUN_UNCACHED_NESTED) {
            thread.pop(context);
        } else if (kind == OWNER) {
            thread.pop(context);
            restoreInterception();
            recordFailure(t);
        }
        throw Load.<RuntimeException>sneakyThrow(t);
    }

    private void recordFailure(Throwable t) {
        abandon();
        if (flight != null) {
            flight.fail(t);
        }
        method.statistics.loadFailures.increment();
    }

    private void restoreInterception() {
        if (pausedInterception != null) {
            thread.resumeInterception(pausedInterception);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneakyThrow(Throwable t) throws T {
        // rethrows the owner's exception, checked or not: the waiting call declares what the owner's call declared
        throw (T) t;
    }
}
