package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.load.CallStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a load in the background: calls the method again, reflectively, on the reload executor, under a
 * {@link BackgroundLoad} frame that makes that call the owner of a flight a caller already registered. The call goes
 * through the woven advice like any other, so the result is stored through the same load token mechanism, and an
 * invalidation during the reload keeps it from being stored.
 */
final class BackgroundLoads {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoads.class);

    private BackgroundLoads() {
    }

    /**
     * Starts the body of {@code flight} (owned by the caller, not started yet) on the reload executor. If the executor
     * refuses, or the method cannot be called, the flight is abandoned: its waiters look again and load themselves.
     */
    static void start(CachedMethod method, Flight flight, CachingBackend backend, Object target, Object[] args) {
        method.statistics.backgroundLoads.increment();
        try {
            CachingRuntime.reloadExecutor().execute(() -> run(method, flight, backend, target, args));
        } catch (RejectedExecutionException e) {
            LOG.warn("{}: the reload executor refused a background load", method.display());
            abandon(method, flight);
        }
    }

    private static void run(CachedMethod method, Flight flight, CachingBackend backend, Object target,
                            Object[] args) {
        BackgroundLoad frame = new BackgroundLoad(CallStack.top(), method, flight, backend);
        CallStack.push(frame);
        try {
            Method m = method.accessibleMethod();
            if (m != null) {
                m.invoke(target, args);
            }
        } catch (InvocationTargetException e) {
            // the owner recorded the failure (and callers that could got the fail-safe value)
            LOG.debug("{}: background load of {} failed", method.display(), flight.key, e.getCause());
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("{}: a background load could not call the method", method.display(), e);
        } finally {
            CallStack.pop(frame);
            if (!frame.taken()) {
                abandon(method, flight);
            }
        }
    }

    private static void abandon(CachedMethod method, Flight flight) {
        method.flights.abandon(flight);
    }
}
