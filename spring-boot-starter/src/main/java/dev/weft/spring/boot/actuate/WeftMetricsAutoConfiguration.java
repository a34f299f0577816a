package dev.weft.spring.boot.actuate;

import dev.weft.caching.micrometer.WeftMetrics;
import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Weft's meters ({@link WeftMetrics}: {@code cache.gets}, {@code cache.puts}, {@code cache.size},
 * {@code weft.invalidations.*}, ...) for the memory backend and the invalidator. {@code WeftMetrics} is a
 * {@code MeterBinder}: Spring Boot binds it to every {@link MeterRegistry} of the application.
 */
@AutoConfiguration(after = WeftAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, WeftMetrics.class})
@ConditionalOnBean(DefaultBackendInstallation.class)
public class WeftMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WeftMetrics weftMetrics(DefaultBackendInstallation installation) {
        WeftMetrics metrics = WeftMetrics.create().backend(installation.memory());
        if (installation.invalidator() != null) {
            metrics.invalidator(installation.invalidator());
        }
        return metrics;
    }
}
