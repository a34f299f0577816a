package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.NotCacheKey;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.key.DependencyTemplate;
import dev.weft.caching.internal.key.KeyShape;
import dev.weft.caching.internal.key.MethodKey;
import dev.weft.caching.internal.load.Interception;
import dev.weft.caching.internal.load.LoadContext;
import dev.weft.caching.internal.load.ThreadState;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;
import org.aspectj.lang.JoinPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything Weft knows about one {@link Cached} method, computed once at its first call: the key shape, the
 * resolved settings, the dependency templates, the result shape, the loads in flight and the statistics.
 *
 * <p>{@link #lookup(MethodKey)} is the hit path: a few field reads and one backend lookup. Everything else
 * (interception, disabled caching, dependency propagation, single flight, auto-reload) is in {@link #load}.
 */
public final class CachedMethod {

    private static final Logger LOG = LoggerFactory.getLogger(CachedMethod.class);

    /** Returned by {@link #lookup(MethodKey)} when the hit path has no value. */
    public static final Object MISS = new Object();

    private final Method method;
    private final String display;
    private final KeyShape keys;
    private final DeclaredSettings declared;
    private final DependencyTemplate[] dependsOn;
    private final Object zeroValue;
    /** {@code null} when results are stored as they are: the hit path tests this field instead of calling. */
    final ResultShape shape;
    volatile MethodSettings settings;
    private volatile Reloader reloader;
    final ConcurrentHashMap<MethodKey, Flight> inFlight = new ConcurrentHashMap<>();
    final MethodStatistics statistics = new MethodStatistics();

    CachedMethod(Method method, JoinPoint.StaticPart joinPoint) {
        this.method = method;
        Cached cached = method.getAnnotation(Cached.class);
        String[] names = ParameterNames.of(method, joinPoint);
        String[] messageNames = ParameterNames.forMessages(method, names);
        this.display = ParameterNames.display(method, names);
        if (cached == null) {
            throw new CachingConfigurationException(display + " is not annotated @Cached");
        }
        if (method.getReturnType() == void.class) {
            throw new CachingConfigurationException(display + ": @Cached cannot be used on a void method");
        }
        Class<?>[] types = method.getParameterTypes();
        Annotation[][] annotations = method.getParameterAnnotations();
        List<Integer> keyParams = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (!has(annotations[i], NotCacheKey.class)) {
                keyParams.add(i);
            }
        }
        int[] keyIndexes = keyParams.stream().mapToInt(Integer::intValue).toArray();
        this.keys = new KeyShape(method.getDeclaringClass().getName(), method.getName(), display, types,
                messageNames, keyIndexes, CachingRuntime.FORMATTING, CachingRuntime::maxKeyLength);
        this.declared = DeclaredSettings.of(cached, method.getDeclaringClass(), display);
        this.settings = resolveSettings();
        this.dependsOn = parseTemplates(cached.dependsOn(), names, keyIndexes);
        this.zeroValue = zeroValue(method.getReturnType());
        this.shape = ResultShape.of(method.getReturnType(), display);
    }

    private static boolean has(Annotation[] annotations, Class<? extends Annotation> type) {
        for (Annotation a : annotations) {
            if (a.annotationType() == type) {
                return true;
            }
        }
        return false;
    }

    private DependencyTemplate[] parseTemplates(String[] templates, String[] names, int[] keyIndexes) {
        DependencyTemplate[] parsed = new DependencyTemplate[templates.length];
        String owner = display + ", @Cached(dependsOn)";
        for (int t = 0; t < templates.length; t++) {
            parsed[t] = DependencyTemplate.parse(templates[t], name -> {
                if (names == null) {
                    throw new CachingConfigurationException(owner + ": placeholder {" + name + "} needs parameter "
                            + "names; compile " + method.getDeclaringClass().getName() + " with -parameters");
                }
                for (int k = 0; k < keyIndexes.length; k++) {
                    if (names[keyIndexes[k]].equals(name)) {
                        return k;
                    }
                }
                return -1;
            }, owner, "a key parameter (parameters marked @NotCacheKey cannot be used)");
        }
        return parsed;
    }

    private static Object zeroValue(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return Boolean.FALSE;
        }
        if (type == char.class) {
            return (char) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == float.class) {
            return 0f;
        }
        return 0d;
    }

    private MethodSettings resolveSettings() {
        CachingProfile profile = CachingRuntime.profile(declared.profile);
        if (profile == null) {
            throw new CachingConfigurationException(display + ": unknown caching profile '" + declared.profile
                    + "'; register it before the first call with CachingServices.setProfile(CachingProfile.builder(\""
                    + declared.profile + "\")...build())");
        }
        return MethodSettings.resolve(declared, profile);
    }

    void profileChanged(CachingProfile profile) {
        if (profile.name().equals(declared.profile)) {
            settings = MethodSettings.resolve(declared, profile);
        }
    }

    /** The reflective method. */
    public Method method() {
        return method;
    }

    /** How messages name this method. */
    public String display() {
        return display;
    }

    /** How this method's keys are made. */
    public KeyShape keys() {
        return keys;
    }

    /** The current effective settings. */
    public MethodSettings settings() {
        return settings;
    }

    /** This method's counters. */
    public MethodStatistics statistics() {
        return statistics;
    }

    // ---- the hit path -------------------------------------------------------------------------------------------

    /**
     * Returns what the caller gets for {@code key} when it is cached, or {@link #MISS}. Returns {@link #MISS}
     * without looking when the call needs the slow path: caching off, no backend yet, or some thread intercepting or
     * running a cached body (which may need this hit's dependencies).
     */
    public Object lookup(MethodKey key) {
        if (CachingRuntime.attention != 0) {
            return MISS;
        }
        CachingBackend backend = CachingRuntime.backend;
        if (backend == null || !settings.enabled) {
            return MISS;
        }
        CacheItem item = backend.get(key);
        if (item == null) {
            return MISS;
        }
        statistics.hits.increment();
        ResultShape s = shape;
        return s == null ? item.value() : s.toCaller(item.value());
    }

    // ---- the slow path ------------------------------------------------------------------------------------------

    /**
     * Decides what a call that the hit path did not answer does; see {@link Load}. {@code target} and {@code args}
     * are the call's (the target is {@code null} for a static method); auto-reload remembers them to call the method
     * again later.
     */
    public Load load(MethodKey key, Object target, Object[] args) {
        ThreadState thread = ThreadState.get();
        Interception interception = thread.interception();
        if (interception != null) {
            return intercept(thread, interception, key, target, args);
        }
        MethodSettings s = settings;
        if (!CachingRuntime.enabled || !s.enabled) {
            statistics.uncached.increment();
            return Load.runUncached(this, key, thread);
        }
        CachingBackend backend = CachingRuntime.backend();
        for (int attempt = 0; ; attempt++) {
            CacheItem item = backend.get(key);
            if (item != null) {
                statistics.hits.increment();
                propagate(thread, key, item.dependencies());
                return Load.result(toCaller(item.value()));
            }
            if (s.autoReload) {
                Reloader.Remembered last = reloader().lastValue(backend, key);
                if (last != null) {
                    statistics.staleServed.increment();
                    reloader().reloadInBackground(key, last);
                    propagate(thread, key, last.dependencies);
                    return Load.result(toCaller(last.stored));
                }
            }
            Flight mine = new Flight(shape != null && shape.isAsync());
            Flight other = inFlight.putIfAbsent(key, mine);
            if (other == null) {
                statistics.misses.increment();
                return startLoad(thread, backend, key, mine, null, target, args);
            }
            if (other.owner == Thread.currentThread() && other.bodyRunning) {
                // the body calls itself with the same arguments: waiting for ourselves would never end
                statistics.uncached.increment();
                return Load.runUncached(this, key, thread);
            }
            if (other.shared != null) {
                if (System.nanoTime() - other.startNanos > s.loadWaitTimeoutNanos) {
                    // a future that never completes must not capture its key forever: after the wait timeout,
                    // new callers start a load of their own
                    statistics.waitTimeouts.increment();
                    if (inFlight.replace(key, other, mine)) {
                        statistics.misses.increment();
                        return startLoad(thread, backend, key, mine, null, target, args);
                    }
                    continue;
                }
                statistics.waits.increment();
                Load joined = joinAsync(thread, backend, key, other, mine, attempt, s, target, args);
                if (joined != null) {
                    return joined;
                }
                continue;
            }
            statistics.waits.increment();
            switch (other.await(s.loadWaitTimeoutNanos)) {
                case VALUE:
                    propagate(thread, key, other.dependencies());
                    return Load.result(toCaller(other.value()));
                case FAILED:
                    return Load.failed(other.failure());
                case STALE:
                    if (attempt == 0) {
                        continue;
                    }
                    statistics.uncached.increment();
                    return Load.runUncached(this, key, thread);
                case TIMEOUT:
                default:
                    statistics.waitTimeouts.increment();
                    statistics.uncached.increment();
                    LOG.warn("{}: gave up waiting for another thread's load of {} after the profile's "
                            + "loadWaitTimeout; running the method uncached", display, key);
                    return Load.runUncached(this, key, thread);
            }
        }
    }

    /**
     * Joins another caller's asynchronous load of {@code key}: shares its future unless an invalidation overlapped
     * the load (the joiner may have started after that invalidation ended, so it must not get a value computed
     * before it). Shares at once while no invalidation at all reached the backend since the load began; otherwise
     * waits until the owner's body has returned its future, so that the load's dependencies are known. Returns
     * {@code null} when the caller must look again.
     */
    private Load joinAsync(ThreadState thread, CachingBackend backend, MethodKey key, Flight other, Flight mine,
                           int attempt, MethodSettings s, Object target, Object[] args) {
        LoadToken running = other.token;
        if (!other.hasOutcome() && running != null && !isNested(thread)
                && !isStale(other.backend, running, null, key) && inFlight.get(key) == other) {
            // nothing was invalidated since the load began: any invalidation that overlaps it from now on began
            // after this call did. (A nested call waits instead: its enclosing call needs the dependencies.)
            return Load.result(((ResultShape.Future) shape).share(other.shared));
        }
        switch (other.await(s.loadWaitTimeoutNanos)) {
            case VALUE:
                break;
            case FAILED:
                // the body threw before returning a future: share its failed future
                return Load.result(((ResultShape.Future) shape).share(other.shared));
            case STALE:
                if (attempt == 0) {
                    return null;
                }
                statistics.uncached.increment();
                return Load.runUncached(this, key, thread);
            case TIMEOUT:
            default:
                statistics.waitTimeouts.increment();
                statistics.uncached.increment();
                LOG.warn("{}: gave up waiting for another thread's load of {} after the profile's "
                        + "loadWaitTimeout; running the method uncached", display, key);
                return Load.runUncached(this, key, thread);
        }
        if (isStale(other.backend, other.token, other.dependencies(), key)) {
            if (inFlight.replace(key, other, mine)) {
                statistics.misses.increment();
                return startLoad(thread, backend, key, mine, null, target, args);
            }
            return null;
        }
        // The answer counts only if the token was still live when it was given: the owner removes its flight before
        // it ends the token, so the flight still being there shows it was.
        if (inFlight.get(key) != other) {
            return null;
        }
        propagate(thread, key, other.dependencies());
        return Load.result(((ResultShape.Future) shape).share(other.shared));
    }

    private boolean isStale(CachingBackend backend, LoadToken token, Set<String> dependencies, MethodKey key) {
        try {
            return backend.isStale(token, dependencies);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to tell whether the load of {} is stale; loading again",
                    display, key, e);
            return true;
        }
    }

    private static boolean isNested(ThreadState thread) {
        LoadContext enclosing = thread.context();
        return enclosing != null && !enclosing.isBarrier();
    }

    private Load startLoad(ThreadState thread, CachingBackend backend, MethodKey key, Flight flight,
                           Interception paused, Object target, Object[] args) {
        // Transactions (DESIGN section 12): the load path's one question. After its own write, a transaction's
        // thread may read uncommitted rows: its load stores nothing, and opens no flight another thread could join.
        TrackedTransaction transaction = Transactions.current();
        if (transaction != null && !transaction.mayStore()) {
            return withoutLoad(thread, key, flight, paused);
        }
        LoadToken token;
        try {
            token = backend.beginLoad(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to begin a load of {}; running the method uncached", display,
                    key, e);
            return withoutLoad(thread, key, flight, paused);
        }
        if (flight != null) {
            flight.backend = backend;
            flight.token = token;
        }
        return Load.owner(this, key, backend, token, flight, thread, paused, target, args, transaction);
    }

    /** Runs the body uncached instead of owning a load; callers that joined {@code flight} load again. */
    private Load withoutLoad(ThreadState thread, MethodKey key, Flight flight, Interception paused) {
        if (flight != null) {
            inFlight.remove(key, flight);
            flight.abandon();
        }
        if (paused != null) {
            thread.resumeInterception(paused);
        }
        statistics.uncached.increment();
        return Load.runUncached(this, key, thread);
    }

    private Load intercept(ThreadState thread, Interception interception, MethodKey key, Object target,
                           Object[] args) {
        interception.record(key);
        if (interception.kind() == Interception.Kind.INVALIDATE) {
            statistics.invalidations.increment();
            CachingRuntime.backend().invalidate(key.canonical());
            return Load.result(zeroValue);
        }
        // REFRESH: run the body as the owner of a load that replaces whatever is stored; its own cached calls are
        // not intercepted.
        Interception paused = thread.pauseInterception();
        return startLoad(thread, CachingRuntime.backend(), key, null, paused, target, args);
    }

    Object toCaller(Object stored) {
        ResultShape s = shape;
        return s == null ? stored : s.toCaller(stored);
    }

    Object toStored(Object returned) throws Exception {
        ResultShape s = shape;
        return s == null ? returned : s.toStored(returned);
    }

    /** The auto-reload state, created on first need (a profile may turn auto-reload on at run time). */
    Reloader reloader() {
        Reloader r = reloader;
        if (r == null) {
            synchronized (this) {
                r = reloader;
                if (r == null) {
                    reloader = r = new Reloader(this);
                }
            }
        }
        return r;
    }

    /** Forgets auto-reload's remembered values. */
    void forgetRemembered() {
        Reloader r = reloader;
        if (r != null) {
            r.forget();
        }
    }

    /** Passes a call's key and dependencies up to the enclosing cached call running on this thread, if any. */
    static void propagate(ThreadState thread, MethodKey key, Collection<String> dependencies) {
        LoadContext enclosing = thread.context();
        if (enclosing != null && !enclosing.isBarrier()) {
            enclosing.add(key.canonical());
            enclosing.addAll(dependencies);
        }
    }

    /** The dependencies an item of {@code key} carries: its templates, then what its body added. */
    Set<String> dependenciesOf(MethodKey key, Set<String> collected) {
        if (dependsOn.length == 0) {
            return collected.isEmpty() ? Set.of() : Set.copyOf(collected);
        }
        Set<String> all = new LinkedHashSet<>();
        for (DependencyTemplate t : dependsOn) {
            all.add(t.render(key::component, CachingRuntime.FORMATTING));
        }
        all.addAll(collected);
        return Set.copyOf(all);
    }

    @Override
    public String toString() {
        return "CachedMethod{" + display + '}';
    }
}
