package dev.weft.spring.boot.actuate;

import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code weft} health indicator, when Spring Boot's health support is present and
 * {@code management.health.weft.enabled} is not false.
 */
@AutoConfiguration(after = WeftAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DefaultBackendInstallation.class)
@ConditionalOnEnabledHealthIndicator("weft")
public class WeftHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "weftHealthIndicator")
    WeftHealthIndicator weftHealthIndicator(DefaultBackendInstallation installation) {
        return new WeftHealthIndicator(installation.invalidator(), installation.onMessageLoss());
    }
}
