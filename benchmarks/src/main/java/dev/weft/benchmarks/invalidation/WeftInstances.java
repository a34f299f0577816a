package dev.weft.benchmarks.invalidation;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.PublishMode;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import io.lettuce.core.RedisURI;

import java.time.Duration;

/**
 * Two Weft instances in one JVM, A and B: each a {@link CacheInvalidator} over its own {@link MemoryCachingBackend},
 * made by {@code RedisCacheInvalidator.create(local, uri, options)}, so each has its own {@code RedisClient} and its
 * own two connections (subscribe, publish), as two application instances would. Both subscribe to the same channel.
 * B's backend reports applied invalidations to an {@link Arrival} when one is given.
 */
final class WeftInstances implements AutoCloseable {

    static final String CHANNEL = "weft:benchmark-invalidation";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

    final CacheInvalidator a;
    final CacheInvalidator b;

    WeftInstances(RedisURI uri, PublishMode mode, Arrival arrivalOnB) throws InterruptedException {
        this(uri, mode, arrivalOnB, false);
    }

    /** With {@code signed}, both instances sign and check every message (a {@code messageAuthenticationKey}). */
    WeftInstances(RedisURI uri, PublishMode mode, Arrival arrivalOnB, boolean signed) throws InterruptedException {
        RedisCacheInvalidatorOptions.Builder builder = RedisCacheInvalidatorOptions.builder()
                .channel(CHANNEL)
                .publishMode(mode);
        if (signed) {
            builder.messageAuthenticationKey("benchmark key: thirty-two bytes!".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        RedisCacheInvalidatorOptions options = builder.build();
        CachingBackend localB = MemoryCachingBackend.builder().maximumSize(10_000).build();
        a = RedisCacheInvalidator.create(MemoryCachingBackend.builder().maximumSize(10_000).build(), uri, options);
        b = RedisCacheInvalidator.create(arrivalOnB == null ? localB : new SignallingBackend(localB, arrivalOnB), uri,
                options);
        if (!a.awaitConnected(CONNECT_TIMEOUT) || !b.awaitConnected(CONNECT_TIMEOUT)) {
            close();
            throw new IllegalStateException("the Weft instances did not subscribe to " + uri + " within "
                    + CONNECT_TIMEOUT);
        }
    }

    /** Stores an entry under {@code key} in B's local cache (nothing is published: filling a cache never is). */
    void fillB(String key) {
        ItemKey itemKey = ItemKey.of(key);
        LoadToken load = b.beginLoad(itemKey);
        if (!b.set(load, CacheItem.of(key))) {
            throw new IllegalStateException("B refused to store " + key);
        }
    }

    /** Whether B's local cache holds {@code key}. */
    boolean bHolds(String key) {
        return b.get(ItemKey.of(key)) != null;
    }

    @Override
    public void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }
}
