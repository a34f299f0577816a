package dev.weft.spring.boot.actuate.boot3;

import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code weft} health indicator on Spring Boot 3, when its actuator is present and
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
}
