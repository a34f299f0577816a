package dev.weft.caching.backend;

import java.util.Set;

/**
 * Where cached items live: the SPI between Weft's aspects and a store.
 *
 * <p>{@code weft-backend-memory}'s {@code MemoryCachingBackend} is the standard implementation; invalidators such as
 * {@code RedisCacheInvalidator} decorate one to keep several instances in sync.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>All methods are thread-safe. {@link #get(ItemKey)} is on every cache hit: it must not block or allocate more
 *       than the lookup needs.</li>
 *   <li><b>No stale write-back.</b> A value is stored only through {@link #set(LoadToken, CacheItem)} with a token
 *       from {@link #beginLoad(ItemKey)}. If, between the two, the key was invalidated, a dependency of the item was
 *       invalidated, or the backend was cleared, {@code set} stores nothing and returns {@code false}. This holds for
 *       invalidations from any source, including other instances.</li>
 *   <li>{@link #invalidate(String)} removes the item with that canonical key and every item that carries the key as a
 *       dependency (an enclosing cached call depends on the keys of the cached calls it made).</li>
 *   <li>Invalidation methods never throw for a transport problem; decorators log and count such failures.</li>
 * </ul>
 */
public interface CachingBackend extends AutoCloseable {

    /**
     * Returns the item stored under {@code key} while it is fresh, or {@code null}: when there is none, it expired, or
     * it is due for an eager refresh ({@link ItemRead.State#REFRESH}). The hit path; must not allocate.
     */
    CacheItem get(ItemKey key);

    /**
     * The backend whose {@link #get} answers the hit path: this one, or, for a backend that keeps a local level in
     * front of a slower one (the two-level Redis backend), that local level, so that a hit is a memory read that the
     * JIT can inline into the cached method. A miss there is not taken for a miss of this backend: the load path then
     * reads this backend ({@link #get} or {@link #read}), which looks at the slower level.
     *
     * <p>Must return the same object for the life of this backend, whose {@code get} must answer exactly what this
     * backend's {@code get} answers from its local level. Decorators that do work of their own in {@code get} (a
     * bypass check, for instance) keep the default. The default returns {@code this}.
     */
    default CachingBackend localLevel() {
        return this;
    }

    /**
     * Reads {@code key} for the load path: the stored item and whether it is fresh, due for an eager refresh, or
     * expired but inside its {@linkplain Expiration#failSafeNanos() fail-safe period}; {@code null} when there is none.
     * Never an item that an invalidation or clear removed. Called after {@link #get} missed, and again, by identity,
     * to check that a stale item is still held before it is returned.
     *
     * <p>The default reads {@link #get}: fresh items only, so no fail-safe, no eager refresh. Decorators delegate.
     */
    default ItemRead read(ItemKey key) {
        CacheItem item = get(key);
        return item == null ? null : ItemRead.of(item, ItemRead.State.FRESH);
    }

    /** Starts loading {@code key}; the token should end with {@link #set} or {@link #abandon}. */
    LoadToken beginLoad(ItemKey key);

    /**
     * For a backend that several instances share: lets this load wait for another instance's load of the same key, so
     * that concurrent misses across the fleet run the method once (fleet-wide single flight). Called by the caller
     * that owns the local load of the token's key, after {@link #beginLoad} and before the body runs; not called for
     * background reloads. Returns the item the other instance stored, which the caller then returns instead of
     * running the body, or {@code null} at once when this caller should run it: no other instance is loading the key,
     * its load ended without storing, or {@code timeoutNanos} (the method's load wait timeout) passed. Either way the
     * token stays the caller's: it ends it as usual ({@link #abandon} when an item was returned). Never throws for a
     * transport problem: it answers {@code null}.
     *
     * <p>The default answers {@code null} at once: instances do not coordinate.
     */
    default CacheItem awaitPeerLoad(LoadToken load, long timeoutNanos) {
        return null;
    }

    /**
     * Stores {@code item} under the token's key, replacing any previous item, unless an invalidation of the key, of
     * one of the item's dependencies, or a clear reached this backend since the token was issued. Ends the load.
     *
     * @return whether the item was stored
     */
    boolean set(LoadToken load, CacheItem item);

    /**
     * Ends a load that stores nothing, for example because the method threw. A backend must not depend on it: a load
     * whose body never returns (or whose future never completes) never ends its token, and must hold nothing back.
     */
    void abandon(LoadToken load);

    /**
     * Whether {@link #set(LoadToken, CacheItem)} with this token and an item carrying {@code dependencies} would be
     * refused if called now, because an invalidation of the key, of one of the dependencies, or a clear reached this
     * backend since the token was issued. {@code dependencies} is {@code null} while the load does not know them
     * yet: then answer whether any invalidation or clear at all has reached this backend since the token was issued
     * (or is in progress). Asked, from any thread, while the load is in flight: a call that would share the result of
     * an asynchronous load started by another caller shares it only if this answers {@code false}, since it may
     * have started after the invalidation finished.
     *
     * <p>The default answers {@code true}, which is always safe: such calls then start loads of their own.
     * Decorators delegate; backends that can tell should answer.
     */
    default boolean isStale(LoadToken load, Set<String> dependencies) {
        return true;
    }

    /** Removes the item whose canonical key is {@code key} and every item depending on {@code key}. */
    void invalidate(String key);

    /** Removes every item that carries {@code dependency}. */
    void invalidateDependency(String dependency);

    /** Removes every item. */
    void clear();

    /** Releases what this backend owns. Later calls may fail; closing twice is harmless. */
    @Override
    void close();
}
