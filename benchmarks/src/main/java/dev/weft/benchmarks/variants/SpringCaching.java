package dev.weft.benchmarks.variants;

import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring's caching set-up for the Spring variants: CGLIB proxies, Caffeine caches made from {@link CacheSpec}. */
@Configuration(proxyBeanMethods = false)
@EnableCaching(proxyTargetClass = true)
public class SpringCaching {

    @Bean
    public CacheManager cacheManager() {
        CaffeineCacheManager manager = new CaffeineCacheManager();
        manager.setCaffeine(CacheSpec.caffeine());
        return manager;
    }
}
