package dev.weft.caching.internal.method;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.key.MethodKey;
import dev.weft.caching.internal.load.Interception;
import dev.weft.caching.internal.load.ThreadState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Auto-reload for one method: remembers the last stored value of each key, and when the cache no longer has it
 * (expired, evicted or invalidated) serves that value while one background task reloads the key.
 *
 * <p>The reload calls the method again, reflectively, with the remembered target and arguments, as a
 * {@code CachingServices.refresh}: it runs the body and stores the result through the same load token mechanism as
 * any load, so an invalidation during the reload is not overwritten by it. Callers get the previous value only until
 * a reload is stored.
 *
 * <p>A remembered value is served only by the backend it was stored in, and {@code CachingServices.clear()}
 * forgets them all. At most {@value #MAX_REMEMBERED} keys are remembered per method; past that, arbitrary ones are forgotten (they
 * then load synchronously, like a method without auto-reload). Thread-safe.
 */
final class Reloader {

    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);
    static final int MAX_REMEMBERED = 10_000;

    static final class Remembered {
        final CachingBackend backend;
        final Object stored;
        final Set<String> dependencies;
        final Object target;
        final Object[] args;

        Remembered(CachingBackend backend, Object stored, Set<String> dependencies, Object target, Object[] args) {
            this.backend = backend;
            this.stored = stored;
            this.dependencies = dependencies;
            this.target = target;
            this.args = args;
        }
    }

    private final CachedMethod method;
    private final ConcurrentHashMap<MethodKey, Remembered> remembered = new ConcurrentHashMap<>();
    private final Set<MethodKey> reloading = ConcurrentHashMap.newKeySet();

    Reloader(CachedMethod method) {
        this.method = method;
        Method m = method.method();
        try {
            m.setAccessible(true);
        } catch (RuntimeException e) {
            LOG.warn("{}: auto-reload cannot call the method reflectively ({}); the background reloads will fail",
                    method.display(), e.toString());
        }
    }

    void remember(CachingBackend backend, MethodKey key, Object stored, Set<String> dependencies, Object target,
                  Object[] args) {
        if (args == null) {
            return;
        }
        if (remembered.size() >= MAX_REMEMBERED && !remembered.containsKey(key)) {
            Iterator<MethodKey> it = remembered.keySet().iterator();
            if (it.hasNext()) {
                remembered.remove(it.next());
            }
        }
        remembered.put(key, new Remembered(backend, stored, dependencies, target, args.clone()));
    }

    /** The last value stored for {@code key} in {@code backend}; a value stored in another backend is not served. */
    Remembered lastValue(CachingBackend backend, MethodKey key) {
        Remembered r = remembered.get(key);
        return r != null && r.backend == backend ? r : null;
    }

    /** Forgets every remembered value: after an explicit clear, nothing old is served. */
    void forget() {
        remembered.clear();
    }

    /** Starts a background reload of {@code key} unless one is running. */
    void reloadInBackground(MethodKey key, Remembered r) {
        if (!reloading.add(key)) {
            return;
        }
        try {
            CachingRuntime.reloadExecutor().execute(() -> {
                try {
                    reload(r);
                } finally {
                    reloading.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            reloading.remove(key);
            LOG.warn("{}: the reload executor refused the reload of {}", method.display(), key);
        }
    }

    private void reload(Remembered r) {
        ThreadState thread = ThreadState.get();
        thread.beginInterception(new Interception(Interception.Kind.REFRESH));
        try {
            method.method().invoke(r.target, r.args);
        } catch (InvocationTargetException e) {
            LOG.warn("{}: background reload failed; the previous value is served until a reload succeeds",
                    method.display(), e.getCause());
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.warn("{}: background reload could not call the method", method.display(), e);
        } finally {
            thread.endInterception();
        }
    }
}
