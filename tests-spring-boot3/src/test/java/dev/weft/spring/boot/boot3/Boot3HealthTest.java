package dev.weft.spring.boot.boot3;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.spring.boot.WeftAutoConfiguration;
import dev.weft.spring.boot.actuate.boot3.WeftHealthAutoConfiguration;
import dev.weft.spring.boot.actuate.boot3.WeftHealthIndicator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Spring Boot 3 the starter's Boot 3 health classes apply: a Boot 3 indicator whose statuses are Boot's own,
 * registered under {@code weft} by the auto-configuration the starter's imports file lists beside Boot 4's, which
 * backs off here (its health types do not exist on Boot 3).
 */
class Boot3HealthTest {

    @Test
    void theIndicatorReportsBootsOwnStatuses() {
        Health health = new WeftHealthIndicator(null, OnMessageLoss.CLEAR_LOCAL_CACHE).getHealth(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("transport", "none").containsEntry("cachingEnabled", true);
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
    }

    @Test
    void anApplicationOnBoot3HasTheWeftHealthContributor() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                .web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "management.endpoint.health.show-details=always")
                .run()) {
            assertThat(context.getBean(HealthContributorRegistry.class).getContributor("weft"))
                    .isInstanceOf(WeftHealthIndicator.class);
            assertThat(context.getBean(HealthEndpoint.class).healthForPath("weft").getStatus()).isEqualTo(Status.UP);
            assertThat(CachingServices.getDefaultBackend().toString()).contains("MemoryCachingBackend");
        }
    }

    @Test
    void managementHealthWeftEnabledFalseTurnsItOff() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class, WeftHealthAutoConfiguration.class))
                .withPropertyValues("management.health.weft.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("weftHealthIndicator"));
    }
}
