package dev.weft.benchmarks.variants;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * The one cache specification every Caffeine-based variant uses: at most {@value #MAXIMUM_SIZE} entries, each
 * expiring {@value #EXPIRE_AFTER_WRITE_SECONDS} s after it was written. Weft gets the same through
 * {@code MemoryCachingBackend.builder().maximumSize(MAXIMUM_SIZE)} and {@code @Cached(absoluteExpiration = "600s")}.
 */
public final class CacheSpec {

    /** Maximum number of entries. */
    public static final int MAXIMUM_SIZE = 10_000;

    /** Lifetime of an entry from its write. */
    public static final int EXPIRE_AFTER_WRITE_SECONDS = 600;

    private CacheSpec() {
    }

    /** A Caffeine builder with this specification. */
    public static Caffeine<Object, Object> caffeine() {
        return Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(Duration.ofSeconds(EXPIRE_AFTER_WRITE_SECONDS));
    }
}
