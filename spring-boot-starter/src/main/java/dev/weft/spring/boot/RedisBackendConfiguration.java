package dev.weft.spring.boot;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.spring.boot.internal.PropertyCheck;
import dev.weft.spring.boot.internal.RedisInvalidatorFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code weft.invalidator.type=redis}, {@code weft.redis.l2.enabled=true} and {@code weft-backend-redis} on the
 * class path: a {@link RedisCachingBackend} over the memory backend becomes the default backend, on the application's
 * Redis client bean or on a client for {@code weft.redis.uri} (or {@code cluster-nodes}). Its local level's sync is
 * the {@link CacheInvalidator} bean, configured by {@code weft.redis.*} as the plain invalidator would be, so the
 * {@code weft} health indicator, endpoint and meters cover it; the Redis level adds the {@code weftRedisLevel} health
 * indicator and the {@code weft.l2.*} meters.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({RedisCachingBackend.class, RedisClient.class})
@ConditionalOnProperty(name = "weft.invalidator.type", havingValue = "redis")
@ConditionalOnProperty(name = "weft.redis.l2.enabled", havingValue = "true")
class RedisBackendConfiguration {

    /** The name of the backend bean. */
    static final String BEAN = "weftRedisBackend";

    private static final String PREFIX = "weft.redis.l2";

    @Bean(name = BEAN, destroyMethod = "close")
    RedisCachingBackend weftRedisBackend(MemoryCachingBackend memory, WeftProperties properties,
                                         ObjectProvider<RedisClient> client,
                                         ObjectProvider<RedisClusterClient> clusterClient,
                                         ObjectProvider<RedisInvalidatorCustomizer> customizers) {
        RedisInvalidatorProperties redis = properties.getRedis();
        RedisL2Properties p = redis.getL2();
        RedisCachingBackendOptions.Builder b = RedisCachingBackendOptions.builder();
        PropertyCheck.apply(PREFIX + ".key-prefix", p.getKeyPrefix(), b::keyPrefix);
        JsonValueSerializer.Builder serializer = JsonValueSerializer.builder();
        PropertyCheck.apply(PREFIX + ".allowed-packages", p.getAllowedPackages().toArray(new String[0]),
                serializer::allowPackages);
        b.serializer(serializer.build());
        b.distributedSingleFlight(p.isDistributedSingleFlight());
        PropertyCheck.apply(PREFIX + ".command-timeout", p.getCommandTimeout(), b::commandTimeout);
        PropertyCheck.apply(PREFIX + ".retry-interval", p.getRetryInterval(), b::retryInterval);
        PropertyCheck.apply(PREFIX + ".maximum-load-duration", p.getMaximumLoadDuration(), b::maximumLoadDuration);
        PropertyCheck.apply(PREFIX + ".propagation-grace", p.getPropagationGrace(), b::propagationGrace);
        if (p.getShards() != 0) {
            PropertyCheck.apply(PREFIX + ".shards", p.getShards(), b::shards);
        }
        b.requireConnectionAtStart(redis.isRequireConnectionAtStart());
        b.localCache(memory);
        b.localCacheSync(RedisInvalidatorFactory.options(redis, customizers.orderedStream().toList()));
        RedisCachingBackendOptions options = b.build();
        RedisClient own = client.getIfUnique();
        RedisClusterClient ownCluster = clusterClient.getIfUnique();
        boolean cluster = own == null && ownCluster == null && !redis.getClusterNodes().isEmpty();
        String property = cluster ? "weft.redis.cluster-nodes" : "weft.redis.uri";
        if (own == null && ownCluster == null && !cluster && redis.getUri() == null) {
            throw PropertyCheck.missing("weft.redis.uri", "weft.redis.l2.enabled is true, 'weft.redis.cluster-nodes' "
                    + "is not set and the application defines no RedisClient or RedisClusterClient bean");
        }
        try {
            if (ownCluster != null) {
                return RedisCachingBackend.create(ownCluster, options);
            }
            if (own != null) {
                return RedisCachingBackend.create(own, options);
            }
            return cluster ? RedisCachingBackend.createForCluster(redis.getClusterNodes(), options)
                    : RedisCachingBackend.create(redis.getUri(), options);
        } catch (CachingConfigurationException e) {
            throw new InvalidWeftPropertyException(property, null, e.getMessage(), "Check '" + property + "' and that "
                    + "Redis is reachable, or set 'weft.redis.require-connection-at-start=false' to start without it.",
                    e);
        }
    }

    /** The local level's sync, as the invalidator the rest of the starter reports on. The backend closes it. */
    @Bean(destroyMethod = "")
    CacheInvalidator weftInvalidator(RedisCachingBackend weftRedisBackend) {
        return weftRedisBackend.localCacheSync();
    }

    /** The Redis level's health, when Spring Boot's health support is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "weftRedisLevelHealthIndicator")
        dev.weft.spring.boot.actuate.RedisLevelHealthIndicator weftRedisLevelHealthIndicator(
                RedisCachingBackend weftRedisBackend) {
            return new dev.weft.spring.boot.actuate.RedisLevelHealthIndicator(weftRedisBackend);
        }
    }

    /** The Redis level's meters, when Micrometer is present: Spring Boot binds every MeterBinder bean. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class Meters {

        @Bean
        io.micrometer.core.instrument.binder.MeterBinder weftRedisLevelMeters(RedisCachingBackend weftRedisBackend) {
            return dev.weft.caching.micrometer.RedisBackendMeters.binder(weftRedisBackend);
        }
    }
}
