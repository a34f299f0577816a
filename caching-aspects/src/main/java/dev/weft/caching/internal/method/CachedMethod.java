package dev.weft.caching.internal.method;

import dev.weft.caching.Cached;
import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.CachingProfile;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.key.DependencyTemplate;
import dev.weft.caching.internal.key.KeyShape;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.internal.load.Frame;
import dev.weft.caching.internal.load.Interception;
import dev.weft.caching.internal.load.LoadContext;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One {@link Cached} method: what Weft knows about it (computed once, at its first call), its hit path
 * ({@link #lookup}) and its miss path ({@link #load}), which reads top to bottom:
 *
 * <ol>
 *   <li>an imperative invalidation or refresh, or a background reload, takes the call over;</li>
 *   <li>what the backend holds: a fresh item is an answer; an expired one inside its fail-safe period may stand in
 *       if the reload fails or is slow;</li>
 *   <li>the caller owns the load of the key ({@link SingleFlight}) and runs the body ({@link Owner}), or starts it in
 *       the background (auto-reload, soft timeout, {@link BackgroundLoads});</li>
 *   <li>or it waits for the load in progress and takes its {@link Outcome}: the stored value, the failure (or the
 *       fail-safe value), or, past the load's deadline, the load itself.</li>
 * </ol>
 *
 * <p>Invalidated values are never served: a stale value comes only from the backend's {@link CachingBackend#read},
 * which never returns an item an invalidation removed, and is checked, by identity, to be still held just before it
 * is returned.
 */
public final class CachedMethod {

    private static final Logger LOG = LoggerFactory.getLogger(CachedMethod.class);

    /** Returned by {@link #lookup(ItemKey)} when the hit path has no value. */
    public static final Object MISS = new Object();

    /** Returned by {@link #staleValue} when the stale item is no longer held. */
    static final Object NOT_SERVED = new Object();

    private final Method method;
    private final String display;
    private final KeyShape keys;
    private final DeclaredSettings declared;
    private final DependencyTemplate[] dependsOn;
    private final Object zeroValue;
    /** {@code null} when results are stored as they are: the hit path tests this field instead of calling. */
    final ResultShape shape;
    volatile MethodSettings settings;
    final MethodStatistics statistics = new MethodStatistics();
    final SingleFlight flights;
    private final StaleLog staleLog;
    private volatile Method accessible;

    /**
     * Test seam, {@code null} otherwise: called with the method on the resolving thread when a resolution of its
     * settings has read the profile and the switch, before the settings are published, so that a test can pause a
     * resolution there and race a profile change against it deterministically. Never on the hit path.
     */
    static volatile Consumer<Method> afterResolve;

    CachedMethod(Method method, String[] names) {
        this.method = method;
        Cached cached = method.getAnnotation(Cached.class);
        String[] messageNames = ParameterNames.forMessages(method, names);
        this.display = ParameterNames.display(method, names);
        if (cached == null) {
            throw new CachingConfigurationException(display + " is not annotated @Cached");
        }
        if (method.getReturnType() == void.class) {
            throw new CachingConfigurationException(display + ": @Cached cannot be used on a void method");
        }
        int[] keyIndexes = ParameterNames.keyParameters(method);
        this.keys = new KeyShape(method.getDeclaringClass().getName(), ParameterNames.methodPart(method), display,
                method.getParameterTypes(), messageNames, keyIndexes, CachingRuntime.FORMATTING,
                CachingRuntime::maxKeyLength);
        this.declared = DeclaredSettings.of(cached, method.getDeclaringClass(), display);
        this.settings = resolveSettings();
        this.dependsOn = parseTemplates(cached.dependsOn(), names, keyIndexes);
        this.zeroValue = zeroValue(method.getReturnType());
        this.shape = ResultShape.of(method.getReturnType(), display);
        this.flights = new SingleFlight(statistics, display);
        this.staleLog = new StaleLog(display);
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
                for (int index : keyIndexes) {
                    if (names[index].equals(name)) {
                        return index;
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
        MethodSettings resolved = MethodSettings.resolve(declared, profile, CachingRuntime.enabled(), display);
        Consumer<Method> seam = afterResolve;
        if (seam != null) {
            seam.accept(method);
        }
        return resolved;
    }

    /** Re-resolves the settings after {@code profile} changed ({@code null}: the global switch changed). */
    void settingsChanged(CachingProfile profile) {
        if (profile == null || profile.name().equals(declared.profile)) {
            try {
                settings = resolveSettings();
            } catch (CachingConfigurationException e) {
                LOG.warn("{}: keeping the previous settings: {}", display, e.getMessage());
            }
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
     * without looking when the call needs the slow path: caching off, no backend yet, or this thread is inside a
     * cached body (which needs this hit's dependencies), an imperative invalidation or a background reload. The woven
     * advice makes the same steps itself: {@code CallStack.top()}, {@link #probe}, {@link #countHit} (see
     * {@link #probe} why); this method is for tests and the benchmarks' breakdowns.
     */
    public Object lookup(ItemKey key) {
        if (CallStack.top() != null) {
            return MISS;
        }
        Object hit = probe(key);
        if (hit != MISS) {
            countHit();
        }
        return hit;
    }

    /**
     * The hit path's read, for a thread outside any cached body, imperative invalidation or background reload (the
     * advice checks {@code CallStack.top()} first): what the caller gets for {@code key} when it is cached, or
     * {@link #MISS}; {@link #MISS} without looking when caching is off or there is no backend yet. Does not count
     * the hit: the advice calls {@link #countHit} then.
     *
     * <p>Why the advice makes three calls and not one ({@link #lookup}): the JIT inlines a method that it has already
     * compiled on its own only while that compiled code is under {@code -XX:InlineSmallCode} (2,500 bytes on
     * x86-64). {@code lookup} with the thread check, the backend's read and the counting compiled to 2,528 bytes with
     * the memory backend and 2,624 behind an invalidator, so whether a hit made a real call depended on compilation
     * order (issue 16). Without the thread check and the counting, this method is the backend's read and little more.
     */
    public Object probe(ItemKey key) {
        if (!settings.enabled) {
            return MISS;
        }
        CachingBackend backend = CachingRuntime.hitBackend();
        if (backend == null) {
            return MISS;
        }
        CacheItem item = backend.get(key);
        if (item == null) {
            return MISS;
        }
        ResultShape s = shape;
        return s == null ? item.value() : s.toCaller(item.value());
    }

    /** Counts a hit that {@link #probe} found. */
    public void countHit() {
        statistics.hits.increment();
    }

    // ---- the miss path ------------------------------------------------------------------------------------------

    /**
     * Decides what a call that the hit path did not answer does; see {@link Load}. {@code target} and {@code args}
     * are the call's (the target is {@code null} for a static method); a background reload calls the method again
     * with them. Called right after the hit path ({@link #lookup}, or the advice's {@link #probe}) answered {@link #MISS} for the same key, on the same thread.
     */
    public Load load(ItemKey key, Object target, Object[] args) {
        Frame top = CallStack.top();
        if (top instanceof Interception) {
            return intercept((Interception) top, key, args);
        }
        if (top instanceof BackgroundLoad && ((BackgroundLoad) top).take(this, key)) {
            BackgroundLoad background = (BackgroundLoad) top;
            return own(background.flight, key, args, background.backend, settings, null, true);
        }
        LoadContext enclosing = CallStack.enclosing(top);
        MethodSettings s = settings;
        if (!s.enabled) {
            statistics.uncached.increment();
            return Load.Uncached.of(this, key, args, enclosing);
        }
        CachingBackend backend = CachingRuntime.backend();
        long softDeadline = s.softTimeoutNanos > 0 ? System.nanoTime() + s.softTimeoutNanos : Long.MAX_VALUE;
        for (int attempt = 0; ; attempt++) {
            // 1. What the backend holds. A fresh item is the answer; an expired one, inside its fail-safe period,
            //    may stand in for the new value if the reload fails or is slow.
            CacheItem stale = null;
            if (s.readsStale) {
                ItemRead read = backend.read(key);
                if (read != null) {
                    if (read.state() != ItemRead.State.STALE) {
                        if (read.state() == ItemRead.State.REFRESH) {
                            refreshInBackground(key, backend, s, target, args);
                        }
                        return hit(read.item(), key, enclosing);
                    }
                    stale = read.item();
                }
            } else if (attempt > 0 || top != null || CachingRuntime.hitBackend() != backend) {
                // Only then: on a first attempt without a frame, the hit path looked for this key just now, unless it
                // read only the backend's local level (a two-level backend), whose miss is not the backend's. Looking
                // again was a second lookup per miss (issue 19's MissBenchmark) and only narrowed, without closing,
                // the window in which another caller's load stores between the two; at worst, if caching was switched
                // on or a backend set in between, one load is needless.
                CacheItem item = backend.get(key);
                if (item != null) {
                    return hit(item, key, enclosing);
                }
            }

            // 2. Own the load of this key, or join the one in progress (taking it over if it is past its deadline).
            Flight mine = new Flight(key, s.loadWaitTimeoutNanos, shape != null && shape.isAsync());
            Flight flight = flights.claim(mine);
            if (flight == mine) {
                statistics.misses.increment();
                if (stale == null || !(s.autoReload || s.softTimeoutNanos > 0)) {
                    return own(flight, key, args, backend, s, stale, false);
                }
                // an expired value exists: the body runs in the background, and this caller gets that value now
                // (auto-reload) or once the soft timeout passes, unless the reload is quicker
                BackgroundLoads.start(this, flight, backend, target, args);
                if (s.autoReload) {
                    Object v = staleValue(stale, key, backend, enclosing, StaleReason.AUTO_RELOAD);
                    if (v != NOT_SERVED) {
                        return new Load.Answer(toCaller(v));
                    }
                }
            } else if (flight.owner == Thread.currentThread() && flight.bodyRunning) {
                // the body calls itself with the same arguments: waiting for ourselves would never end
                statistics.uncached.increment();
                return Load.Uncached.of(this, key, args, enclosing);
            } else if (stale != null && s.autoReload) {
                // auto-reload: while the reload runs, every caller gets the expired value at once
                Object v = staleValue(stale, key, backend, enclosing, StaleReason.AUTO_RELOAD);
                if (v != NOT_SERVED) {
                    return new Load.Answer(toCaller(v));
                }
                statistics.waits.increment();
            } else {
                statistics.waits.increment();
            }

            // 3. Wait for the load in progress.
            if (flight.shared != null) {
                Load joined = joinAsync(flight, key, args, backend, s, enclosing, stale, softDeadline);
                if (joined != null) {
                    return joined;
                }
                continue;
            }
            Outcome outcome = flight.await(stale != null ? softDeadline : Long.MAX_VALUE);
            if (outcome instanceof Outcome.Stored) {
                Outcome.Stored stored = (Outcome.Stored) outcome;
                propagate(enclosing, key, stored.dependencies());
                return new Load.Answer(toCaller(stored.value()));
            }
            if (outcome instanceof Outcome.Failed) {
                Throwable failure = ((Outcome.Failed) outcome).failure();
                if (stale != null && failure instanceof Exception) {
                    Object v = staleValue(stale, key, backend, enclosing, StaleReason.FAIL_SAFE);
                    if (v != NOT_SERVED) {
                        return new Load.Answer(toCaller(v));
                    }
                }
                return new Load.Failure(failure);
            }
            if (outcome instanceof Outcome.TimedOut) {
                if (stale != null && !flight.expiredAt(System.nanoTime())) {
                    Object v = staleValue(stale, key, backend, enclosing, StaleReason.SOFT_TIMEOUT);
                    if (v != NOT_SERVED) {
                        return new Load.Answer(toCaller(v));
                    }
                }
                continue; // the flight is past its deadline: the next claim takes it over
            }
            if (outcome instanceof Outcome.Interrupted || attempt > 0) {
                statistics.uncached.increment();
                return Load.Uncached.of(this, key, args, enclosing);
            }
            // NotStored or Abandoned: this caller may have started after the invalidation that kept the value from
            // being stored, so it must not take that value; it looks again, once
        }
    }

    /** A value found on the slow path: counted as a hit, its dependencies passed to the enclosing call. */
    private Load hit(CacheItem item, ItemKey key, LoadContext enclosing) {
        statistics.hits.increment();
        propagate(enclosing, key, item.dependencies());
        return new Load.Answer(toCaller(item.value()));
    }

    /** Makes the caller the owner of {@code flight} ({@code null} for a refresh): it will run the body. */
    private Load own(Flight flight, ItemKey key, Object[] args, CachingBackend backend, MethodSettings s,
                     CacheItem fallback, boolean background) {
        // Transactions (DESIGN section 12): after its own write, a transaction's thread may read uncommitted rows:
        // its load stores nothing, and leaves no flight another thread could join.
        TrackedTransaction transaction = Transactions.current();
        if (transaction != null && !transaction.mayStore()) {
            return withoutLoad(flight, key, args);
        }
        LoadToken token;
        try {
            token = backend.beginLoad(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to begin a load; running the method uncached", display, e);
            return withoutLoad(flight, key, args);
        }
        if (flight != null) {
            flight.backend = backend;
            flight.token = token;
            if (flight.superseded) {
                // taken over before the token existed: the takeover could not abandon it, so this does
                backend.abandon(token);
            } else if (!background) {
                Load peer = awaitPeerLoad(flight, key, backend, token, s);
                if (peer != null) {
                    return peer;
                }
            }
        }
        return new Owner(this, key, args, backend, token, flight, s, fallback, background, transaction);
    }

    /**
     * Runs the body uncached instead of owning a load; callers that joined {@code flight} look again (asynchronous
     * ones of a flight it took over fail: {@link SingleFlight#abandon}).
     */
    private Load withoutLoad(Flight flight, ItemKey key, Object[] args) {
        if (flight != null) {
            flights.abandon(flight);
        }
        statistics.uncached.increment();
        return Load.Uncached.of(this, key, args, CallStack.enclosing(CallStack.top()));
    }

    /**
     * Fleet-wide single flight: a backend shared by several instances may let this owner wait for another instance's
     * load of the key ({@link CachingBackend#awaitPeerLoad}). The item it returns was read from the shared level after
     * any invalidation that removed an older one there, so the owner and its joiners take it like a stored result.
     * Returns {@code null} when the owner runs the body.
     */
    private Load awaitPeerLoad(Flight flight, ItemKey key, CachingBackend backend, LoadToken token, MethodSettings s) {
        long before = System.nanoTime();
        CacheItem peer;
        try {
            peer = backend.awaitPeerLoad(token, s.loadWaitTimeoutNanos);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed while waiting for another instance's load; loading here",
                    display, e);
            peer = null;
        }
        if (peer == null) {
            if (System.nanoTime() - before > 1_000_000L) {
                flight.restartClock();
            }
            return null;
        }
        flights.close(flight);
        try {
            backend.abandon(token);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to abandon a load", display, e);
        }
        Object value = peer.value();
        flight.finish(new Outcome.Stored(value, peer.dependencies()));
        if (flight.shared != null) {
            // asynchronous joiners may already share the flight's future
            flight.shared.complete(value);
        }
        propagate(CallStack.enclosing(CallStack.top()), key, peer.dependencies());
        return new Load.Answer(toCaller(value));
    }

    /** Starts one background reload of a fresh item past its eager-refresh point, unless a load is in progress. */
    private void refreshInBackground(ItemKey key, CachingBackend backend, MethodSettings s, Object target,
                                     Object[] args) {
        Flight mine = new Flight(key, s.loadWaitTimeoutNanos, shape != null && shape.isAsync());
        if (flights.claim(mine) == mine) {
            BackgroundLoads.start(this, mine, backend, target, args);
        }
    }

    /**
     * Joins another caller's asynchronous load of {@code key}: shares its future unless an invalidation overlapped
     * the load (the joiner may have started after that invalidation ended, so it must not get a value computed
     * before it). Shares at once while no invalidation at all reached the backend since the load began; otherwise
     * waits until the owner's body has returned its future, so that the load's dependencies are known. Returns
     * {@code null} when the caller must look again.
     */
    private Load joinAsync(Flight other, ItemKey key, Object[] args, CachingBackend backend, MethodSettings s,
                           LoadContext enclosing, CacheItem stale, long softDeadline) {
        ResultShape.Async future = (ResultShape.Async) shape;
        LoadToken running = other.token;
        if (!other.hasOutcome() && running != null && enclosing == null
                && !isStale(other.backend, running, null) && flights.isOpen(other)) {
            // nothing was invalidated since the load began: any invalidation that overlaps it from now on began
            // after this call did. (A nested call waits instead: its enclosing call needs the dependencies.)
            return new Load.Answer(shareAsync(future, other, key, backend, stale, softDeadline, false));
        }
        Outcome outcome = other.await(Long.MAX_VALUE);
        if (outcome instanceof Outcome.Failed) {
            // the body threw before returning a future: share its failed future
            return new Load.Answer(shareAsync(future, other, key, backend, stale, softDeadline, false));
        }
        if (outcome instanceof Outcome.TimedOut) {
            return null;
        }
        if (!(outcome instanceof Outcome.Returned)) {
            if (outcome instanceof Outcome.Interrupted) {
                statistics.uncached.increment();
                return Load.Uncached.of(this, key, args, enclosing);
            }
            return null;
        }
        Set<String> dependencies = ((Outcome.Returned) outcome).dependencies();
        if (isStale(other.backend, other.token, dependencies)) {
            Flight mine = new Flight(key, s.loadWaitTimeoutNanos, true);
            if (flights.replace(other, mine)) {
                statistics.misses.increment();
                return own(mine, key, args, backend, s, stale, false);
            }
            return null;
        }
        // The answer counts only if the token was still live when it was given: the owner closes its flight before
        // it ends the token, so the flight still being open shows it was.
        if (!flights.isOpen(other)) {
            return null;
        }
        propagate(enclosing, key, dependencies);
        return new Load.Answer(shareAsync(future, other, key, backend, stale, softDeadline, enclosing != null));
    }

    /**
     * A joiner's own dependent of an asynchronous flight's future, which, when an expired value exists, completes with
     * that value if the load fails (fail-safe) or is still running at the soft timeout.
     */
    private Object shareAsync(ResultShape.Async future, Flight flight, ItemKey key, CachingBackend backend,
                              CacheItem stale, long softDeadline, boolean nested) {
        CompletableFuture<Object> mine = future.dependent(nested ? unlessTakenOver(flight) : flight.shared);
        if (stale == null) {
            return future.toCallerFuture(mine, flight.upstream);
        }
        CompletableFuture<Object> guarded = withFailSafe(mine, stale, key, backend);
        if (softDeadline != Long.MAX_VALUE) {
            long wait = Math.max(0, softDeadline - System.nanoTime());
            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(() -> {
                if (!guarded.isDone()) {
                    Object v = staleValue(stale, key, backend, null, StaleReason.SOFT_TIMEOUT);
                    if (v != NOT_SERVED) {
                        guarded.complete(v);
                    }
                }
            });
        }
        return future.toCallerFuture(guarded, flight.upstream);
    }

    /**
     * For a joiner inside a cached body, which passed {@code flight}'s dependencies up to that body when it joined:
     * the flight's result, or, if the flight was taken over before its result came, a {@code TimeoutException} naming
     * this method. The callers of a flight taken over follow the load that took it over ({@code SingleFlight}), whose
     * dependencies, collected by its own body, may differ from those passed up: an enclosing result built on its value
     * would then carry the wrong dependencies, and an invalidation of one it lacks would leave it stored. So a nested
     * joiner fails as a caller past the load wait timeout does, and the enclosing call stores nothing (fail-safe may
     * answer it).
     */
    private CompletableFuture<Object> unlessTakenOver(Flight flight) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        flight.shared.whenComplete((value, failure) -> {
            if (flight.superseded) {
                result.completeExceptionally(new TimeoutException(display + ": the load this nested call joined "
                        + "outlived the profile's loadWaitTimeout and was taken over; the enclosing call is not cached"));
            } else if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    /** {@code future}, or the stale value if it fails and that value is still held. */
    CompletableFuture<Object> withFailSafe(CompletableFuture<Object> future, CacheItem stale, ItemKey key,
                                           CachingBackend backend) {
        return future.exceptionallyCompose(t -> {
            Object v = staleValue(stale, key, backend, null, StaleReason.FAIL_SAFE);
            return v != NOT_SERVED ? CompletableFuture.completedFuture(v) : CompletableFuture.failedFuture(t);
        });
    }

    /**
     * The stored value of an expired item, if the backend still holds that very item (no invalidation removed it, no
     * newer value replaced it); else {@link #NOT_SERVED}. Counts and logs what it serves, and keeps an enclosing
     * cached call from storing a result built on it.
     */
    Object staleValue(CacheItem stale, ItemKey key, CachingBackend backend, LoadContext enclosing,
                      StaleReason reason) {
        ItemRead now;
        try {
            now = backend.read(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to read; not serving an expired value", display, e);
            return NOT_SERVED;
        }
        if (now == null || now.item() != stale) {
            return NOT_SERVED;
        }
        statistics.staleServed.increment();
        if (reason == StaleReason.FAIL_SAFE) {
            statistics.failSafeActivations.increment();
        } else if (reason == StaleReason.SOFT_TIMEOUT) {
            statistics.softTimeouts.increment();
        }
        staleLog.served(reason, key);
        if (enclosing != null) {
            // the enclosing result would be built on an expired value: it is returned, not stored
            enclosing.servedStale();
            propagate(enclosing, key, stale.dependencies());
        }
        return stale.value();
    }

    private boolean isStale(CachingBackend backend, LoadToken token, Set<String> dependencies) {
        try {
            return backend.isStale(token, dependencies);
        } catch (RuntimeException e) {
            LOG.warn("{}: the caching backend failed to tell whether a load is stale; loading again", display, e);
            return true;
        }
    }

    private Load intercept(Interception interception, ItemKey key, Object[] args) {
        interception.record(key);
        CachingBackend backend = CachingRuntime.backend();
        if (interception.kind() == Interception.Kind.INVALIDATE) {
            statistics.invalidations.increment();
            backend.invalidate(key.canonical());
            return new Load.Answer(zeroValue);
        }
        // REFRESH: run the body as the owner of a load that replaces whatever is stored; its own cached calls are
        // not intercepted (its context is above the interception)
        return own(null, key, args, backend, settings, null, false);
    }

    /** The method, made accessible for background reloads; {@code null} (logged once) when it cannot be. */
    Method accessibleMethod() {
        Method m = accessible;
        if (m == null) {
            try {
                method.setAccessible(true);
                accessible = m = method;
            } catch (RuntimeException e) {
                LOG.warn("{}: background reloads cannot call the method reflectively ({}); callers load it "
                        + "themselves", display, e.toString());
            }
        }
        return m;
    }

    Object toCaller(Object stored) {
        ResultShape s = shape;
        return s == null ? stored : s.toCaller(stored);
    }

    Object toStored(Object returned) throws Exception {
        ResultShape s = shape;
        return s == null ? returned : s.toStored(returned);
    }

    /** Passes a call's key and dependencies up to {@code enclosing}, the cached body that made the call, if any. */
    static void propagate(LoadContext enclosing, ItemKey key, Collection<String> dependencies) {
        if (enclosing != null) {
            enclosing.add(key.canonical());
            enclosing.addAll(dependencies);
        }
    }

    /** The dependencies an item of a call with {@code args} carries: its templates, then what its body added. */
    Set<String> dependenciesOf(Object[] args, Set<String> collected) {
        if (dependsOn.length == 0) {
            return collected.isEmpty() ? Set.of() : Set.copyOf(collected);
        }
        Set<String> all = new LinkedHashSet<>();
        for (DependencyTemplate t : dependsOn) {
            all.add(t.render(i -> args[i], CachingRuntime.FORMATTING));
        }
        all.addAll(collected);
        return Set.copyOf(all);
    }

    @Override
    public String toString() {
        return "CachedMethod{" + display + '}';
    }
}
