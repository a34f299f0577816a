package dev.weft.spring.boot.actuate;

import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.WeftProperties;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code weft} actuator endpoint, when the actuator is present and the endpoint is exposed
 * ({@code management.endpoints.web.exposure.include=weft}, or over JMX).
 */
@AutoConfiguration(after = WeftAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(DefaultBackendInstallation.class)
@ConditionalOnAvailableEndpoint(WeftEndpoint.class)
public class WeftEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    WeftEndpoint weftEndpoint(DefaultBackendInstallation installation, WeftProperties properties) {
        return new WeftEndpoint(installation.invalidator(), properties.getProfiles().keySet());
    }
}
