package dev.weft.spring.boot;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.spring.boot.internal.RedisInvalidatorFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code weft.invalidator.type=redis} and {@code weft-invalidator-redis} on the class path: the Redis invalidator
 * over the memory backend. The application's {@link RedisClient} or {@link RedisClusterClient} bean, if it defines
 * exactly one, is used and left open; otherwise Weft creates a client for {@code weft.redis.uri} and shuts it down
 * with the invalidator.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({RedisCacheInvalidator.class, RedisClient.class})
@ConditionalOnProperty(name = "weft.invalidator.type", havingValue = "redis")
@ConditionalOnProperty(name = "weft.redis.l2.enabled", havingValue = "false", matchIfMissing = true)
class RedisInvalidatorConfiguration {

    @Bean(destroyMethod = "close")
    CacheInvalidator weftInvalidator(MemoryCachingBackend memory, WeftProperties properties,
                                     ObjectProvider<RedisClient> client,
                                     ObjectProvider<RedisClusterClient> clusterClient,
                                     ObjectProvider<RedisInvalidatorCustomizer> customizers) {
        return RedisInvalidatorFactory.create(memory, properties.getRedis(), client.getIfUnique(),
                clusterClient.getIfUnique(), customizers.orderedStream().toList());
    }
}
