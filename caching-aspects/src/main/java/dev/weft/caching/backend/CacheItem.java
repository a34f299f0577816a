package dev.weft.caching.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * A cached value with the dependency keys it carries and its {@link Expiration}. Thread-safe; the value itself is
 * stored as it is and must not be mutated by callers.
 *
 * <p>Create items with {@link #of(Object, Expiration, Collection)}. A backend may store items as its own subclass (the
 * memory backend's entries are items, so that a hit allocates nothing and an entry is one object), as long as
 * {@link #value()}, {@link #dependencies()} and {@link #expiration()} stay those of the item it was given.
 */
public abstract class CacheItem {

    /** Means "no expiration" in {@link #absoluteExpirationNanos()} and {@link #slidingExpirationNanos()}. */
    public static final long NO_EXPIRATION = Expiration.NONE;

    /** For backends that store items as their own subclass. */
    protected CacheItem() {
    }

    /** An item that never expires by time and carries no dependency. {@code value} may be {@code null}. */
    public static CacheItem of(Object value) {
        return new Plain(value, Set.of(), Expiration.NEVER);
    }

    /**
     * An item with expirations ({@code null} or zero means none) and dependency keys.
     *
     * @throws IllegalArgumentException if an expiration is negative or a dependency is null or empty
     */
    public static CacheItem of(Object value, Duration absoluteExpiration, Duration slidingExpiration,
                               Collection<String> dependencies) {
        return of(value, Expiration.of(absoluteExpiration, slidingExpiration), dependencies);
    }

    /**
     * An item with an expiration policy and dependency keys.
     *
     * @throws IllegalArgumentException if a dependency is null or empty
     */
    public static CacheItem of(Object value, Expiration expiration, Collection<String> dependencies) {
        return new Plain(value, dependencySet(dependencies), Objects.requireNonNull(expiration, "expiration"));
    }

    /** Checks and copies dependency keys: none may be null or empty. */
    protected static Set<String> dependencySet(Collection<String> dependencies) {
        Set<String> deps = Set.copyOf(dependencies);
        for (String d : deps) {
            if (d.isEmpty()) {
                throw new IllegalArgumentException("a dependency key must not be empty");
            }
        }
        return deps;
    }

    /** The cached value, possibly {@code null} (a cached {@code null}, not a miss). */
    public abstract Object value();

    /** The dependency keys: invalidating any of them removes this item. Never {@code null}. */
    public abstract Set<String> dependencies();

    /** When the item stops being served. Never {@code null}. */
    public abstract Expiration expiration();

    /** Nanoseconds after the store at which the item expires, or {@link #NO_EXPIRATION}. */
    public final long absoluteExpirationNanos() {
        return expiration().absoluteNanos();
    }

    /** Nanoseconds without a read after which the item expires, or {@link #NO_EXPIRATION}. */
    public final long slidingExpirationNanos() {
        return expiration().slidingNanos();
    }

    @Override
    public String toString() {
        return "CacheItem{value=" + value() + ", dependencies=" + dependencies() + ", " + expiration() + '}';
    }

    private static final class Plain extends CacheItem {
        private final Object value;
        private final Set<String> dependencies;
        private final Expiration expiration;

        Plain(Object value, Set<String> dependencies, Expiration expiration) {
            this.value = value;
            this.dependencies = dependencies;
            this.expiration = expiration;
        }

        @Override
        public Object value() {
            return value;
        }

        @Override
        public Set<String> dependencies() {
            return dependencies;
        }

        @Override
        public Expiration expiration() {
            return expiration;
        }
    }
}
