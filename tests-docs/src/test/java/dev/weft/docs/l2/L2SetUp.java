package dev.weft.docs.l2;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;

import java.math.BigDecimal;

/** docs/l2.md: never run, only compiled (it names a host that does not exist here). */
final class L2SetUp {

    record Money(BigDecimal amount, String currency) {
    }

    private L2SetUp() {
    }

    static void twoLevels() {
        RedisCachingBackend backend = RedisCachingBackend.create("redis://cache.internal:6379",
                RedisCachingBackendOptions.builder()
                        .keyPrefix("shop:")
                        .localCache(MemoryCachingBackend.builder().maximumSize(50_000).build())
                        .serializer(JsonValueSerializer.builder().allowPackages("com.acme.shop").build())
                        .build());
        CachingServices.setDefaultBackend(backend);
    }

    static RedisCachingBackendOptions singleFlight() {
        return RedisCachingBackendOptions.builder()
                .keyPrefix("shop:")
                .localCache(MemoryCachingBackend.create())
                .distributedSingleFlight(true)
                .build();
    }

    static void changeFeed() {
        InvalidationPublisher feed = RedisCachingBackend.publisher("redis://cache.internal:6379",
                RedisCachingBackendOptions.builder().keyPrefix("shop:").build());
        feed.invalidateDependency("product:42");
        feed.close();
    }

    static JsonValueSerializer serializer() {
        JsonValueSerializer serializer = JsonValueSerializer.builder()
                .allowPackages("com.acme.shop")
                .allowClasses(Money.class)
                .build();
        return serializer;
    }
}
