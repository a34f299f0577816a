package dev.weft.caching.internal.method;

import dev.weft.caching.internal.ProfileListeners;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.reflect.MethodSignature;

import dev.weft.caching.CachingStatistics;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.TreeMap;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metadata registry: one {@link CachedMethod} per method, found by the woven advice through its join point's
 * static part (an identity lookup) and by {@code @InvalidateCache} through the reflective method.
 *
 * <p>Metadata is created at the first call; a creation that fails (a configuration error) is not remembered, so the
 * error is raised again at the next call rather than turning into a silent pass-through.
 */
public final class CachedMethods {

    private static final ConcurrentHashMap<JoinPoint.StaticPart, CachedMethod> BY_JOIN_POINT =
            new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Method, CachedMethod> BY_METHOD = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<JoinPoint.StaticPart, InvalidatingMethod> INVALIDATING =
            new ConcurrentHashMap<>();

    private static final List<Consumer<CachedMethod>> CREATION_LISTENERS = new CopyOnWriteArrayList<>();

    /**
     * Held by every resolution of a registered method's settings: a registration resolves and publishes the new
     * method under it, a profile or switch change re-resolves the registered methods under it. A change stores the
     * new profile (or switch) before it takes the lock. So if a registration holds the lock first, the change then
     * finds the method and resolves it again from the new state; if the change holds it first, the registration
     * resolves after it, from the state the change had stored. Likewise of two changes, the one that takes the lock
     * last reads both. Without the lock, a resolution that had read the older state could publish its settings after
     * one that had read the newer, and the method kept the older settings until the next change. When
     * {@code setProfile} or {@code setEnabled} returns, every method that can be found has settings resolved from the
     * new state. Taken only at a method's first use and at a change: never on a call's path.
     */
    private static final Object SETTINGS_LOCK = new Object();

    static {
        ProfileListeners.add(profile -> {
            synchronized (SETTINGS_LOCK) {
                BY_METHOD.values().forEach(m -> m.settingsChanged(profile));
            }
        });
    }

    /**
     * Calls {@code listener} with every method used so far, then with each one used for the first time from now on
     * (metrics register their meters this way). The listener must be quick and must not throw.
     */
    public static void addCreationListener(Consumer<CachedMethod> listener) {
        CREATION_LISTENERS.add(listener);
        BY_METHOD.values().forEach(listener);
    }

    /** Stops calling a listener added by {@link #addCreationListener}. */
    public static void removeCreationListener(Consumer<CachedMethod> listener) {
        CREATION_LISTENERS.remove(listener);
    }

    private static CachedMethod created(CachedMethod m) {
        for (Consumer<CachedMethod> l : CREATION_LISTENERS) {
            l.accept(m);
        }
        return m;
    }

    private CachedMethods() {
    }

    /** The metadata of the cached method executing at {@code joinPoint}. */
    public static CachedMethod of(JoinPoint.StaticPart joinPoint) {
        CachedMethod m = BY_JOIN_POINT.get(joinPoint);
        return m != null ? m : create(joinPoint);
    }

    private static CachedMethod create(JoinPoint.StaticPart joinPoint) {
        Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
        CachedMethod m = BY_METHOD.get(method);
        if (m == null) {
            m = register(new CachedMethod(method, ParameterNames.of(method, joinPoint)));
        }
        CachedMethod known = BY_JOIN_POINT.putIfAbsent(joinPoint, m);
        return known != null ? known : m;
    }

    /** The metadata of a {@code @Cached} method, for invalidation. */
    public static CachedMethod forMethod(Method method) {
        CachedMethod m = BY_METHOD.get(method);
        return m != null ? m : register(new CachedMethod(method, ParameterNames.of(method, null)));
    }

    /** Registers {@code fresh}, unless another thread registered its method first: returns the registered one. */
    private static CachedMethod register(CachedMethod fresh) {
        synchronized (SETTINGS_LOCK) {
            CachedMethod known = BY_METHOD.get(fresh.method());
            if (known != null) {
                return known;
            }
            // a switch or profile change made while it was being built did not reach it: resolve once more
            fresh.settingsChanged(null);
            BY_METHOD.put(fresh.method(), fresh);
        }
        fresh.keys().publish();
        return created(fresh);
    }

    /** The metadata of the {@code @InvalidateCache} method executing at {@code joinPoint}. */
    public static InvalidatingMethod invalidating(JoinPoint.StaticPart joinPoint) {
        InvalidatingMethod m = INVALIDATING.get(joinPoint);
        if (m == null) {
            Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
            m = INVALIDATING.computeIfAbsent(joinPoint, k -> new InvalidatingMethod(method, k));
        }
        return m;
    }

    /** Every cached method used so far. */
    public static Collection<CachedMethod> all() {
        return Collections.unmodifiableCollection(BY_METHOD.values());
    }

    /** A snapshot of every method's counters, summed per profile and in total. */
    public static CachingStatistics statistics() {
        Map<String, CachingStatistics.Counters> methods = new TreeMap<>();
        Map<String, CachingStatistics.Counters> profiles = new TreeMap<>();
        CachingStatistics.Counters total = CachingStatistics.Counters.zero();
        for (CachedMethod m : BY_METHOD.values()) {
            CachingStatistics.Counters c = m.statistics().snapshot();
            methods.put(m.display(), c);
            profiles.merge(m.settings().profile(), c, CachingStatistics.Counters::plus);
            total = total.plus(c);
        }
        return new CachingStatistics(methods, profiles, total);
    }
}
