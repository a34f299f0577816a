package dev.weft.benchmarks.variants;

import dev.weft.benchmarks.subjects.CatalogSource;
import dev.weft.benchmarks.subjects.woven.WeftCatalogService;
import dev.weft.caching.CachingServices;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.testing.redis.RedisServerProcess;

/**
 * The woven service over the two-level backend: the memory backend of the {@code weft} variant as the local level,
 * a Redis level under it on a redis-server this variant starts on 127.0.0.1 and stops when closed. Its hits are local
 * hits: the hit path goes through {@code RedisCachingBackend.get} to the local level, and never to Redis.
 */
final class TwoLevelSubject {

    private TwoLevelSubject() {
    }

    static Subject open(String name, CatalogSource source) {
        RedisServerProcess redis = RedisServerProcess.start();
        RedisCachingBackend backend = RedisCachingBackend.create(redis.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix("weft-benchmark:")
                .localCache(MemoryCachingBackend.builder().maximumSize(CacheSpec.MAXIMUM_SIZE).build())
                .serializer(JsonValueSerializer.builder().allowPackages("dev.weft.benchmarks").build())
                .build());
        CachingServices.setDefaultBackend(backend);
        return new Subject(name, new WeftCatalogService(source), () -> {
            CachingServices.clear();
            backend.close();
            redis.close();
        });
    }

    /**
     * The memory backend of the {@code weft} variant behind the Redis invalidator (no Redis level): what a
     * multi-instance application with only local caches runs. Its hits go through the invalidator's {@code get}.
     */
    static Subject synced(String name, CatalogSource source) {
        RedisServerProcess redis = RedisServerProcess.start();
        var backend = RedisCacheInvalidator.create(
                MemoryCachingBackend.builder().maximumSize(CacheSpec.MAXIMUM_SIZE).build(), redis.uri(),
                RedisCacheInvalidatorOptions.builder().build());
        CachingServices.setDefaultBackend(backend);
        return new Subject(name, new WeftCatalogService(source), () -> {
            CachingServices.clear();
            backend.close();
            redis.close();
        });
    }

}
