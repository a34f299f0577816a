package dev.weft.benchmarks.variants;

import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Configuration;

/**
 * Spring's caching set-up for the Spring variants: CGLIB proxies, and (registered by {@link Subject}, which knows the
 * size) a {@link CaffeineCacheManager} whose caches are made from {@link CacheSpec}.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching(proxyTargetClass = true)
public class SpringCaching {

    /** The cache manager of a variant: one Caffeine cache per cache name, each of at most {@code maximumSize}. */
    static CacheManager cacheManager(int maximumSize) {
        CaffeineCacheManager manager = new CaffeineCacheManager();
        manager.setCaffeine(CacheSpec.caffeine(maximumSize));
        return manager;
    }
}
