package dev.weft.caching.redis.backend.internal;

import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;

import java.util.Collection;

/**
 * The local level and its sync: the memory backend wrapped by the Redis invalidator, over the same Redis client as
 * the Redis level. This is the whole of the integration with the invalidation machinery (its wire format, sequence
 * numbers, loss detection, resubscription and staleness rules are the invalidator's, unchanged): invalidations made
 * here reach every other instance's local level through it, and the others' reach this one.
 */
public final class LocalLevel {

    private final MemoryCachingBackend memory;
    private final CacheInvalidator sync;

    private LocalLevel(MemoryCachingBackend memory, CacheInvalidator sync) {
        this.memory = memory;
        this.sync = sync;
    }

    /** On a standalone or Sentinel client. */
    public static LocalLevel over(MemoryCachingBackend memory, RedisClient client,
                                  RedisCacheInvalidatorOptions options) {
        return new LocalLevel(memory, RedisCacheInvalidator.create(memory, client, options));
    }

    /** On a Redis Cluster client. */
    public static LocalLevel over(MemoryCachingBackend memory, RedisClusterClient client,
                                  RedisCacheInvalidatorOptions options) {
        return new LocalLevel(memory, RedisCacheInvalidator.create(memory, client, options));
    }

    /** The memory backend behind the sync: reads, stores and invalidations of this instance's own level. */
    public CachingBackend backend() {
        return sync;
    }

    /** The sync, for status and metrics. */
    public CacheInvalidator sync() {
        return sync;
    }

    public MemoryCachingBackend memory() {
        return memory;
    }

    /** Whether other instances' invalidations arrive now. */
    public boolean inSync() {
        return sync.status().state() == InvalidatorStatus.State.CONNECTED;
    }

    /**
     * Whether one of {@code dependencies} is the key of a value this level holds: a nested cached call may then have
     * read it from here rather than from Redis. (A nested call passes its key up as a dependency of the enclosing
     * result.)
     */
    public boolean holdsAnyOf(Collection<String> dependencies) {
        for (String d : dependencies) {
            if (memory.get(ItemKey.of(d)) != null) {
                return true;
            }
        }
        return false;
    }

    public void close() {
        sync.close();
    }
}
