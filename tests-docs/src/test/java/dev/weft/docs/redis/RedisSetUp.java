package dev.weft.docs.redis;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;

import java.io.File;

/** docs/redis.md: never run, only compiled (it names hosts that do not exist here). */
final class RedisSetUp {

    private RedisSetUp() {
    }

    static void withUri() {
        MemoryCachingBackend local = MemoryCachingBackend.builder().maximumSize(50_000).build();
        CacheInvalidator invalidator = RedisCacheInvalidator.create(local, "redis://cache.internal:6379",
                RedisCacheInvalidatorOptions.builder()
                        .channel("shop:weft-invalidation")
                        .build());
        CachingServices.setDefaultBackend(invalidator);
        invalidator.close();
    }

    static void withClient(MemoryCachingBackend local, RedisCacheInvalidatorOptions options) {
        RedisClient client = RedisClient.create(RedisURI.create("rediss://cache.internal:6380"));
        client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder()
                .truststore(new File("/etc/ssl/redis-truststore.p12"), "changeit").build()).build());
        CachingServices.setDefaultBackend(RedisCacheInvalidator.create(local, client, options));
    }

    static void publishOnly(RedisCacheInvalidatorOptions options) {
        try (InvalidationPublisher feed = RedisCacheInvalidator.publisher("redis://cache.internal:6379", options)) {
            feed.invalidateDependency("product:42");
        }
    }
}
