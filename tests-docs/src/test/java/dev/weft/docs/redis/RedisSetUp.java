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
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.io.File;
import java.util.Base64;
import java.util.List;

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

    static void withClusterSeeds(MemoryCachingBackend local, RedisCacheInvalidatorOptions options) {
        CacheInvalidator invalidator = RedisCacheInvalidator.createForCluster(local,
                List.of("redis://cache-1.internal:6379", "redis://cache-2.internal:6379"), options);
        invalidator.close();
    }

    static void withCluster(MemoryCachingBackend local, RedisCacheInvalidatorOptions options) {
        RedisClusterClient cluster = RedisClusterClient.create(List.of(
                RedisURI.create("redis://cache-1.internal:6379"), RedisURI.create("redis://cache-2.internal:6379")));
        cluster.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
                .build());
        CachingServices.setDefaultBackend(RedisCacheInvalidator.create(local, cluster, options));
    }

    static RedisCacheInvalidatorOptions signed() {
        byte[] key = Base64.getDecoder().decode(System.getenv("WEFT_MESSAGE_KEY"));     // 32 random bytes, the same everywhere
        RedisCacheInvalidatorOptions signed = RedisCacheInvalidatorOptions.builder()
                .channel("shop:weft-invalidation")
                .messageAuthenticationKey(key)
                .build();
        return signed;
    }

    static void publishOnly(RedisCacheInvalidatorOptions options) {
        try (InvalidationPublisher feed = RedisCacheInvalidator.publisher("redis://cache.internal:6379", options)) {
            feed.invalidateDependency("product:42");
        }
    }
}
