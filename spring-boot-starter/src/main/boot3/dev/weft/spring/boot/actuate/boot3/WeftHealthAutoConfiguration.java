package dev.weft.spring.boot.actuate.boot3;

import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code weft} health indicator (and {@code weftRedisLevel}'s, with the shared Redis level) on Spring Boot 3, when its actuator is present and
 * {@code management.health.weft.enabled} is not false. On Boot 4, where this package of health types does not exist,
 * it backs off and {@code dev.weft.spring.boot.actuate.WeftHealthAutoConfiguration} applies.
 */
@AutoConfiguration(after = WeftAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(DefaultBackendInstallation.class)
@ConditionalOnEnabledHealthIndicator("weft")
public class WeftHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "weftHealthIndicator")
    WeftHealthIndicator weftHealthIndicator(DefaultBackendInstallation installation) {
        return new WeftHealthIndicator(installation.invalidator(), installation.onMessageLoss());
    }

    /** The {@code weftRedisLevel} indicator, with the shared Redis level ({@code weft.redis.l2.enabled}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.weft.caching.redis.backend.RedisCachingBackend")
    static class RedisLevel {

        @Bean
        @ConditionalOnBean(type = "dev.weft.caching.redis.backend.RedisCachingBackend")
        @ConditionalOnMissingBean(name = "weftRedisLevelHealthIndicator")
        RedisLevelHealthIndicator weftRedisLevelHealthIndicator(
                dev.weft.caching.redis.backend.RedisCachingBackend weftRedisBackend) {
            return new RedisLevelHealthIndicator(weftRedisBackend);
        }
    }
}
