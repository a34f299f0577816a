package dev.weft.caching;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.internal.CachedMethodViews;
import dev.weft.caching.internal.CachingRuntime;
import dev.weft.caching.internal.ValueAdapters;
import dev.weft.caching.internal.WeavingVerifier;
import dev.weft.caching.internal.load.Barrier;
import dev.weft.caching.internal.load.CallStack;
import dev.weft.caching.internal.load.Interception;
import dev.weft.caching.internal.method.CachedMethods;
import dev.weft.caching.transaction.TransactionScope;
import dev.weft.caching.transaction.TransactionSource;
import dev.weft.caching.transaction.internal.TrackedTransaction;
import dev.weft.caching.transaction.internal.Transactions;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Weft's entry point: configure the backend, profiles and key formatters at start-up, and invalidate imperatively.
 *
 * <pre>{@code
 * CachingServices.setDefaultBackend(MemoryCachingBackend.create());
 * CachingServices.setProfile(CachingProfile.builder("products").absoluteExpiration(Duration.ofMinutes(10)).build());
 * ...
 * CachingServices.invalidate(() -> productService.getProduct(42));   // removes that entry, runs no body
 * CachingServices.invalidateDependency("product:42");                 // removes every entry depending on it
 * }</pre>
 *
 * <p>Invalidations made inside a transaction (Spring's, or one that {@link TransactionScope} tracks) apply at once and
 * again after its commit; see {@link TransactionScope}.
 *
 * <p>All methods are thread-safe. Configuration methods are meant for start-up: changing a key formatter or the
 * maximum key length while instances exchange invalidations makes their keys disagree.
 */
public final class CachingServices {

    private CachingServices() {
    }

    // ---- backend ------------------------------------------------------------------------------------------------

    /**
     * Sets the backend of every cached method. The caller keeps ownership of {@code backend} (and of a backend it
     * replaces) and closes it at shutdown; only the default backend that Weft created itself, when none was set, is
     * closed by Weft when replaced.
     */
    public static void setDefaultBackend(CachingBackend backend) {
        CachingRuntime.setBackend(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * Stops using {@code backend} if it is the backend in use, typically just before the application closes it at
     * shutdown: cached calls made afterwards (by a later application context, a test) then use a new default
     * backend instead of a closed one. Does nothing when another backend is in use, so several components can call it
     * safely. Returns whether {@code backend} was in use.
     */
    public static boolean resetDefaultBackend(CachingBackend backend) {
        return CachingRuntime.resetBackend(Objects.requireNonNull(backend, "backend"));
    }

    /**
     * Returns the backend in use. When none was set, creates the default in-memory backend (from
     * {@code weft-backend-memory}) and logs that once.
     *
     * @throws CachingConfigurationException when none was set and no default backend is on the class path
     */
    public static CachingBackend getDefaultBackend() {
        return CachingRuntime.backend();
    }

    // ---- profiles, switches, keys -------------------------------------------------------------------------------

    /** Registers or replaces a profile; methods already in use pick up the new settings for items stored from now on. */
    public static void setProfile(CachingProfile profile) {
        CachingRuntime.setProfile(profile);
    }

    /** Returns the profile with that name, or {@code null}; the {@value CachingProfile#DEFAULT_NAME} one always exists. */
    public static CachingProfile getProfile(String name) {
        return CachingRuntime.profile(Objects.requireNonNull(name, "name"));
    }

    /**
     * Turns caching on or off globally. While off, every cached method runs its body and nothing is read or stored;
     * invalidations still apply. Meant for tests and emergencies.
     */
    public static void setEnabled(boolean enabled) {
        CachingRuntime.setEnabled(enabled);
    }

    /** Whether caching is on globally. */
    public static boolean isEnabled() {
        return CachingRuntime.enabled();
    }

    /**
     * Registers how values of {@code type} (and its subtypes) appear in cache keys, for types the application does
     * not own; types it owns can implement {@link CacheKey} instead.
     *
     * @throws IllegalArgumentException for a type whose key form is built in (strings, numbers, enums, ...)
     */
    public static <T> void registerKeyFormatter(Class<T> type, KeyFormatter<? super T> formatter) {
        CachingRuntime.FORMATTING.register(Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(formatter, "formatter"));
    }

    /**
     * Sets the length above which a canonical key is replaced by its method part and a SHA-256 digest of the whole
     * key (default 1024, minimum 64). Set it at start-up, identically in every instance.
     */
    public static void setMaxKeyLength(int maxLength) {
        CachingRuntime.setMaxKeyLength(maxLength);
    }

    /** The current maximum key length. */
    public static int getMaxKeyLength() {
        return CachingRuntime.maxKeyLength();
    }

    /**
     * Registers how results of a type that can be read only once (a stream) are stored and handed out; see
     * {@link ValueAdapter}. Register before the first call of a method returning the type.
     */
    public static void registerValueAdapter(ValueAdapter<?> adapter) {
        ValueAdapters.register(adapter);
    }

    /**
     * Sets where background reloads run: auto-reload, eager refresh, and reloads that outlive a soft timeout (by
     * default four daemon threads named {@code weft-reload-N}).
     */
    public static void setReloadExecutor(Executor executor) {
        CachingRuntime.setReloadExecutor(executor);
    }

    /** A snapshot of the hit, miss, load and invalidation counters of every cached method used so far. */
    public static CachingStatistics statistics() {
        return CachedMethods.statistics();
    }

    // ---- start-up checks ----------------------------------------------------------------------------------------

    /**
     * Checks that the {@code @Cached} and {@code @InvalidateCache} annotations of these classes (and of their
     * superclasses and interfaces) take effect: each annotated method was woven with Weft's aspects (at build time, or
     * at load time before this call), and no annotation sits on an interface or abstract method whose implementation
     * lacks it. Call it at start-up with the classes that use Weft: a class compiled by plain javac (an IDE build, a
     * module without the weaving plugin) otherwise runs uncached without a word. The Spring Boot starter checks every
     * bean this way.
     *
     * @throws CachingConfigurationException naming each class and method concerned, and how to fix the build
     */
    public static void verifyWoven(Class<?>... classes) {
        WeavingVerifier.verify(Objects.requireNonNull(classes, "classes"));
    }

    // ---- the cached methods in use ------------------------------------------------------------------------------

    /**
     * Every {@link Cached} method used so far in this JVM, sorted by {@link CachedMethodInfo#name() name}: with its
     * effective settings and counters. A method is used from its first call, or from the first invalidation that names
     * it. An immutable list; the methods themselves read live values.
     */
    public static List<CachedMethodInfo> cachedMethods() {
        return CachedMethodViews.all();
    }

    /**
     * Calls {@code listener} once for every cached method used so far, at once on this thread, then once for each
     * method used for the first time from now on, on the thread that makes its first call, before that call proceeds.
     * Monitoring registers its meters this way. Keep the listener quick; an exception it throws is logged and ignored.
     * Adding a listener that is already added does nothing.
     */
    public static void addCachedMethodListener(Consumer<? super CachedMethodInfo> listener) {
        CachedMethodViews.addListener(listener);
    }

    /**
     * Stops calling a listener added by {@link #addCachedMethodListener}. Returns whether it had been added.
     */
    public static boolean removeCachedMethodListener(Consumer<? super CachedMethodInfo> listener) {
        return CachedMethodViews.removeListener(listener);
    }

    // ---- imperative invalidation --------------------------------------------------------------------------------

    /**
     * Removes the entry of one cached call without running its body: {@code invalidate(() -> svc.getProduct(42))}.
     * Through an invalidator, the entry is removed in every instance. Entries that depend on the call's key (cached
     * calls that called it) are removed too.
     *
     * <p>Evaluate the arguments before the lambda: every cached call the lambda makes is intercepted.
     *
     * @throws IllegalArgumentException when the lambda made no cached call, or more than one
     */
    public static void invalidate(CachedCall<?> call) {
        String key = intercept(Interception.Kind.INVALIDATE, call).key;
        TrackedTransaction transaction = Transactions.current();
        if (transaction != null) {
            transaction.invalidatedKey(key);
        }
    }

    /**
     * Runs the body of one cached call and stores its result whatever was cached, then returns it:
     * {@code Product p = refresh(() -> svc.getProduct(42))}. Exceptions of the call propagate unchanged, checked or
     * not.
     *
     * @throws IllegalArgumentException when the lambda made no cached call, or more than one
     */
    public static <T> T refresh(CachedCall<T> call) {
        return intercept(Interception.Kind.REFRESH, call).result;
    }

    /** What an intercepted lambda returned, and the key of the one cached call it made. */
    private static final class Intercepted<T> {
        final T result;
        final String key;

        Intercepted(T result, String key) {
            this.result = result;
            this.key = key;
        }
    }

    /** Runs {@code call} with its cached calls intercepted; checks that it made exactly one. */
    private static <T> Intercepted<T> intercept(Interception.Kind kind, CachedCall<T> call) {
        Objects.requireNonNull(call, "call");
        Interception interception = CallStack.beginInterception(kind);
        T result;
        try {
            result = call.call();
        } catch (Exception e) {
            throw CachingServices.<RuntimeException>sneakyThrow(e);
        } finally {
            CallStack.pop(interception);
        }
        List<String> keys = interception.intercepted();
        String what = interception.kind() == Interception.Kind.INVALIDATE ? "invalidate" : "refresh";
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("CachingServices." + what + "(...): the lambda called no @Cached method "
                    + "(is the method's class woven with weft-caching-aspects?)");
        }
        if (keys.size() > 1) {
            throw new IllegalArgumentException("CachingServices." + what + "(...): the lambda called " + keys.size()
                    + " @Cached methods " + keys + "; it must call exactly one. Evaluate the arguments before the "
                    + "lambda");
        }
        return new Intercepted<>(result, keys.get(0));
    }

    /**
     * Removes every entry that carries any of these dependency keys, in every instance through an invalidator. Inside
     * a transaction, again after its commit.
     */
    public static void invalidateDependency(String... dependencies) {
        CachingBackend backend = CachingRuntime.backend();
        for (String d : dependencies) {
            Objects.requireNonNull(d, "dependency");
            if (d.isEmpty()) {
                throw new IllegalArgumentException("a dependency key must not be empty");
            }
        }
        TrackedTransaction transaction = Transactions.current();
        for (String d : dependencies) {
            backend.invalidateDependency(d);
            if (transaction != null) {
                transaction.invalidatedDependency(d);
            }
        }
    }

    /** Removes every entry, in every instance through an invalidator. Inside a transaction, again after its commit. */
    public static void clear() {
        CachingRuntime.backend().clear();
        TrackedTransaction transaction = Transactions.current();
        if (transaction != null) {
            transaction.cleared();
        }
    }

    // ---- transactions -------------------------------------------------------------------------------------------

    /**
     * Makes Weft follow the transactions of another transaction manager (Spring's are followed without this, when
     * spring-tx is on the class path); see {@link TransactionSource}. Sources are asked in the order they were added,
     * after a scope bound to the thread by {@link TransactionScope#begin()} and after Spring.
     */
    public static void addTransactionSource(TransactionSource source) {
        Transactions.addSource(source);
    }

    /** Stops asking a source added by {@link #addTransactionSource}; returns whether it was registered. */
    public static boolean removeTransactionSource(TransactionSource source) {
        return Transactions.removeSource(Objects.requireNonNull(source, "source"));
    }

    /**
     * Stops the cached calls made on this thread, until the returned region is closed, from passing their keys and
     * dependencies to the enclosing cached call; {@link CachingContext#current()} is inactive meanwhile.
     *
     * <pre>{@code
     * try (PropagationSuspension s = CachingServices.suspendDependencyPropagation()) {
     *     auditLog.lastEntries();   // cached, but the enclosing item must not be invalidated with it
     * }
     * }</pre>
     */
    public static PropagationSuspension suspendDependencyPropagation() {
        Barrier barrier = CallStack.suspend();
        return new PropagationSuspension() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    CallStack.pop(barrier);
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
