package dev.weft.benchmarks.variants;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * The one cache specification every Caffeine-based variant uses: at most {@value #MAXIMUM_SIZE} entries (the
 * full-cache benchmarks: {@value #FULL_CACHE_SIZE}), each expiring {@value #EXPIRE_AFTER_WRITE_SECONDS} s after it was
 * written. Weft gets the same through {@code MemoryCachingBackend.builder().maximumSize(...)} and
 * {@code @Cached(absoluteExpiration = "600s")}.
 */
public final class CacheSpec {

    /** Maximum number of entries. */
    public static final int MAXIMUM_SIZE = 10_000;

    /** Lifetime of an entry from its write. */
    public static final int EXPIRE_AFTER_WRITE_SECONDS = 600;

    private CacheSpec() {
    }

    /**
     * The maximum number of entries of the full-cache benchmarks (misses that evict, entry sizes, a hit beside a
     * miss): large enough that the cache's table and the entries no longer fit the CPU's caches, as in production.
     */
    public static final int FULL_CACHE_SIZE = 200_000;

    /** A Caffeine builder with this specification. */
    public static Caffeine<Object, Object> caffeine() {
        return caffeine(MAXIMUM_SIZE);
    }

    /** A Caffeine builder with this specification, at most {@code maximumSize} entries. */
    public static Caffeine<Object, Object> caffeine(int maximumSize) {
        return Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(Duration.ofSeconds(EXPIRE_AFTER_WRITE_SECONDS));
    }
}
