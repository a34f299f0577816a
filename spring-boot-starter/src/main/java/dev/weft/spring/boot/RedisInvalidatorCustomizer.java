package dev.weft.spring.boot;

import dev.weft.caching.redis.RedisCacheInvalidatorOptions;

/**
 * A bean that adjusts the Redis invalidator's options after {@code weft.redis.*} was applied, for what properties
 * cannot say. The builder validates what the customizer sets.
 */
@FunctionalInterface
public interface RedisInvalidatorCustomizer {

    /** Adjusts the options builder; called once, at start-up. */
    void customize(RedisCacheInvalidatorOptions.Builder options);
}
