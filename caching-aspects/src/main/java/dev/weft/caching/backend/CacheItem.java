package dev.weft.caching.backend;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * A cached value with its expiration and the dependency keys it carries. Immutable and thread-safe; the value itself
 * is stored as it is and must not be mutated by callers.
 */
public final class CacheItem {

    /** Means "no expiration" in {@link #absoluteExpirationNanos()} and {@link #slidingExpirationNanos()}. */
    public static final long NO_EXPIRATION = Long.MAX_VALUE;

    private final Object value;
    private final long absoluteExpirationNanos;
    private final long slidingExpirationNanos;
    private final Set<String> dependencies;

    private CacheItem(Object value, long absoluteExpirationNanos, long slidingExpirationNanos,
                      Set<String> dependencies) {
        this.value = value;
        this.absoluteExpirationNanos = absoluteExpirationNanos;
        this.slidingExpirationNanos = slidingExpirationNanos;
        this.dependencies = dependencies;
    }

    /** An item that never expires by time and carries no dependency. {@code value} may be {@code null}. */
    public static CacheItem of(Object value) {
        return new CacheItem(value, NO_EXPIRATION, NO_EXPIRATION, Set.of());
    }

    /**
     * An item with expirations ({@code null} or zero means none) and dependency keys.
     *
     * @throws IllegalArgumentException if an expiration is negative or a dependency is null or empty
     */
    public static CacheItem of(Object value, Duration absoluteExpiration, Duration slidingExpiration,
                               Collection<String> dependencies) {
        Set<String> deps = Set.copyOf(dependencies);
        for (String d : deps) {
            if (d.isEmpty()) {
                throw new IllegalArgumentException("a dependency key must not be empty");
            }
        }
        return new CacheItem(value, nanos(absoluteExpiration, "absolute"), nanos(slidingExpiration, "sliding"), deps);
    }

    private static long nanos(Duration d, String what) {
        if (d == null || d.isZero()) {
            return NO_EXPIRATION;
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " expiration must not be negative, got " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return NO_EXPIRATION;
        }
    }

    /** The cached value, possibly {@code null} (a cached {@code null}, not a miss). */
    public Object value() {
        return value;
    }

    /** Nanoseconds after the store at which the item expires, or {@link #NO_EXPIRATION}. */
    public long absoluteExpirationNanos() {
        return absoluteExpirationNanos;
    }

    /** Nanoseconds without a read after which the item expires, or {@link #NO_EXPIRATION}. */
    public long slidingExpirationNanos() {
        return slidingExpirationNanos;
    }

    /** The dependency keys: invalidating any of them removes this item. Never {@code null}. */
    public Set<String> dependencies() {
        return dependencies;
    }

    @Override
    public String toString() {
        return "CacheItem{value=" + value + ", dependencies=" + dependencies + '}';
    }
}
