package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.internal.load.LoadContext;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The caller that runs the body of a load that will be stored: it holds the backend's load token, the flight its
 * joiners wait on (none for a refresh), and the context that collects the body's dependencies.
 *
 * <p>Every way out ends both: {@link #complete} stores (or is refused and ends the token) and publishes the outcome;
 * {@link #failed} abandons the token and publishes the failure; a result that cannot be stored (an adapter that
 * throws, a dependency template that renders an empty key) abandons the token and is returned uncached. A token that
 * never ends (a body that never returns) holds nothing back: the memory backend keeps no record of loads, and a
 * caller past the flight's deadline takes the flight over.
 */
final class Owner extends Load {

    private static final Logger LOG = LoggerFactory.getLogger(Owner.class);

    private final CachedMethod method;
    private final ItemKey key;
    private final Object[] args;
    private final CachingBackend backend;
    private final LoadToken token;
    private final Flight flight;
    private final LoadContext context;
    private final MethodSettings settings;
    /** An expired item that may stand in for the result if the body fails (fail-safe); {@code null} if none. */
    private final CacheItem fallback;
    /** A background load: no caller will subscribe to a lazy result, so it starts at once. */
    private final boolean background;
    /** The transaction the owner's thread ran in when the load began, or {@code null}. */
    private final TrackedTransaction transaction;
    /** When the load began: its flight's start (one clock read fewer per miss), or now for a refresh. */
    private final long startNanos;

    Owner(CachedMethod method, ItemKey key, Object[] args, CachingBackend backend, LoadToken token, Flight flight,
          MethodSettings settings, CacheItem fallback, boolean background, TrackedTransaction transaction) {
        this.method = method;
        this.key = key;
        this.args = args;
        this.backend = backend;
        this.token = token;
        this.flight = flight;
        this.settings = settings;
        this.fallback = fallback;
        this.background = background;
        this.transaction = transaction;
        this.startNanos = flight != null ? flight.startNanos : System.nanoTime();
        this.context = new LoadContext(CallStack.top(), key);
        CallStack.push(context);
        if (flight != null) {
            Thread current = Thread.currentThread();
            if (flight.owner != current) {
                // a background reload runs the body of a flight another thread claimed; else the claimer already is
                // the owner, and the volatile write is saved
                flight.owner = current;
            }
            flight.bodyRunning = true;
        }
    }

    @Override
    public boolean mustRun() {
        return true;
    }

    @Override
    public Object complete(Object returned) {
        endBody();
        Set<String> dependencies;
        try {
            dependencies = method.dependenciesOf(args, context.collected());
        } catch (RuntimeException | Error e) {
            giveUp(e);
            throw e;
        }
        LoadContext enclosing = CallStack.enclosing(context.parent());   // the top again, since endBody popped
        CachedMethod.propagate(enclosing, key, dependencies);
        if (context.hasServedStale() && enclosing != null) {
            enclosing.servedStale();
        }
        ResultShape shape = method.shape;
        if (shape != null && shape.isAsync()) {
            return completeAsync((ResultShape.Async) shape, returned, dependencies);
        }
        Object stored;
        try {
            stored = method.toStored(returned);
        } catch (Exception e) {
            // the adapter could not materialize the result: the caller gets the failure, nothing is stored
            giveUp(e);
            method.statistics.loadFailures.increment();
            return failSafeOr(e, enclosing);
        }
        boolean ok = store(stored, dependencies);
        if (flight != null) {
            flight.finish(ok ? new Outcome.Stored(stored, dependencies) : Outcome.NOT_STORED);
        }
        return method.toCaller(stored);
    }

    @Override
    public Object failed(Throwable t) {
        endBody();
        giveUp(t);
        method.statistics.loadFailures.increment();
        return failSafeOr(t, CallStack.enclosing(context.parent()));
    }

    private void endBody() {
        CallStack.pop(context);
        context.close();
        if (flight != null) {
            flight.bodyRunning = false;
        }
    }

    /** Ends the token and the flight without a value: joiners see {@code t}. */
    private void giveUp(Throwable t) {
        abandon();
        if (flight != null) {
            method.flights.close(flight);
            flight.finish(new Outcome.Failed(t));
            if (flight.shared != null) {
                flight.shared.completeExceptionally(t);
            }
        }
    }

    /** Returns the fail-safe value in place of {@code t} when there is one still held; else rethrows {@code t}. */
    private Object failSafeOr(Throwable t, LoadContext enclosing) {
        if (fallback != null && t instanceof Exception) {
            Object v = method.staleValue(fallback, key, backend, enclosing, StaleReason.FAIL_SAFE);
            if (v != CachedMethod.NOT_SERVED) {
                return method.toCaller(v);
            }
        }
        throw sneakyThrow(t);
    }

    private Object completeAsync(ResultShape.Async shape, Object returned, Set<String> dependencies) {
        CompletableFuture<Object> shared = flight != null ? flight.shared : new CompletableFuture<>();
        Upstream upstream = flight != null ? flight.upstream : new Upstream();
        CompletionStage<?> stage;
        try {
            stage = shape.upstream(returned, upstream);
        } catch (RuntimeException | Error e) {
            // a lazy result a caller subscribed to already starts here, and Reactor throws its fatal errors
            giveUp(e);
            throw e;
        }
        if (flight != null) {
            flight.finish(new Outcome.Returned(dependencies));
        }
        if (stage == null) {
            // nothing to wait for and nothing to store; joiners see a null result
            abandon();
            if (flight != null) {
                method.flights.close(flight);
            }
            shared.complete(null);
            return null;
        }
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                abandon();
                if (flight != null) {
                    method.flights.close(flight);
                }
                method.statistics.loadFailures.increment();
                shared.completeExceptionally(failure);
            } else {
                store(value, dependencies);
                shared.complete(value);
            }
        });
        if (background) {
            upstream.request(null);
        }
        // every caller, the owner included, gets its own dependent: one caller's cancel cannot fail the others
        CompletableFuture<Object> mine = shape.dependent(shared);
        return shape.toCallerFuture(fallback == null ? mine : method.withFailSafe(mine, fallback, key, backend),
                upstream);
    }

    /**
     * Stores the result unless an invalidation overlapped the load, the flight was taken over, or the body built it
     * on an expired value (a nested call answered by fail-safe, a soft timeout or auto-reload).
     */
    private boolean store(Object stored, Set<String> dependencies) {
        boolean ok = false;
        try {
            if (flight != null) {
                // Close the flight to new joiners before storing: one that joined after the store could have
                // started after an invalidation that removed it, and must not get this value.
                method.flights.close(flight);
                if (flight.superseded) {
                    abandon();
                    return false;
                }
            }
            if (context.hasServedStale()) {
                abandon();
                return false;
            }
            if (transaction != null && !transaction.mayStore()) {
                // the body itself wrote inside the transaction: its result may show uncommitted rows
                abandon();
                LOG.debug("{}: not storing a result loaded inside a transaction that wrote", method.display());
                return false;
            }
            CacheItem item;
            try {
                item = CacheItem.of(stored, settings.expiration, dependencies);
            } catch (IllegalArgumentException e) {
                abandon();
                LOG.warn("{}: not storing the result of a call: {}", method.display(), e.getMessage());
                return false;
            }
            ok = backend.set(token, item);
            if (ok && transaction != null) {
                // a rollback removes what the transaction stored: it may have read rows it wrote without Weft knowing
                transaction.stored(key.canonical());
            }
            if (!ok) {
                method.statistics.staleWriteBacksPrevented.increment();
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Not storing {}: it was invalidated while it was loaded", key);
                }
            }
        } catch (RuntimeException e) {
            abandon();
            LOG.warn("{}: the caching backend failed to store a result; returning it uncached", method.display(), e);
        } finally {
            method.statistics.loads.increment();
            method.statistics.loadNanos.add(System.nanoTime() - startNanos);
        }
        return ok;
    }

    private void abandon() {
        try {
            backend.abandon(token);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to abandon a load", method.display(), e);
        }
    }

    @Override
    public String toString() {
        return "Owner{" + key + '}';
    }
}
