package dev.weft.spring.boot;

import dev.weft.caching.CachingProfile;
import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.micrometer.WeftMetrics;
import dev.weft.spring.boot.actuate.WeftEndpoint;
import dev.weft.spring.boot.internal.CachingSwitchedOff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** The memory backend alone ({@code weft.invalidator.type=none}), profiles, and the switch. */
class WeftAutoConfigurationTest {

    @AfterEach
    void restoreGlobalState() {
        CachingServices.setEnabled(true);
    }

    @Test
    void withNoPropertiesTheMemoryBackendIsTheDefaultBackend() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(MemoryCachingBackend.class).doesNotHaveBean(CacheInvalidator.class);
            assertThat(CachingServices.getDefaultBackend()).isSameAs(context.getBean(MemoryCachingBackend.class));
            assertThat(CachingServices.isEnabled()).isTrue();
        });
    }

    @Test
    void theMemoryBackendIsClosedWithTheContext() {
        AtomicReference<MemoryCachingBackend> backend = new AtomicReference<>();
        runner().run(context -> backend.set(context.getBean(MemoryCachingBackend.class)));
        // a closed memory backend refuses stores
        CachingBackend closed = backend.get();
        assertThat(closed.set(closed.beginLoad(dev.weft.caching.backend.ItemKey.of("k")),
                dev.weft.caching.backend.CacheItem.of("v"))).isFalse();
    }

    @Test
    void memoryPropertiesConfigureTheBackend() {
        runner().withPropertyValues("weft.memory.maximum-size=3", "weft.memory.record-statistics=true")
                .run(context -> assertThat(context.getBean(MemoryCachingBackend.class).toString())
                        .contains("maximumSize=3"));
    }

    @Test
    void profilesAreRegisteredAtStartUp() {
        runner().withPropertyValues("weft.profiles.catalog.absolute-expiration=10m",
                        "weft.profiles.catalog.sliding-expiration=2m", "weft.profiles.catalog.auto-reload=true",
                        "weft.profiles.catalog.load-wait-timeout=3s", "weft.profiles.off.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    CachingProfile catalog = CachingServices.getProfile("catalog");
                    assertThat(catalog.absoluteExpiration()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(catalog.slidingExpiration()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(catalog.autoReload()).isTrue();
                    assertThat(catalog.loadWaitTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(catalog.enabled()).isTrue();
                    assertThat(CachingServices.getProfile("off").enabled()).isFalse();
                });
    }

    @Test
    void weftEnabledFalseTurnsCachingOffAndCreatesNoBackend() {
        runner().withPropertyValues("weft.enabled=false", "weft.invalidator.type=redis").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CachingSwitchedOff.class)
                    .doesNotHaveBean(MemoryCachingBackend.class).doesNotHaveBean("weftHealthIndicator");
            assertThat(CachingServices.isEnabled()).isFalse();
        });
        assertThat(CachingServices.isEnabled()).as("on again once the context closed").isTrue();
    }

    @Test
    void anApplicationsMemoryBackendIsUsedInsteadOfWefts() {
        runner().withUserConfiguration(OwnBackend.class).run(context -> {
            assertThat(context).hasSingleBean(MemoryCachingBackend.class);
            assertThat(CachingServices.getDefaultBackend()).isSameAs(OwnBackend.BACKEND);
        });
    }

    @Test
    void healthIsUpWithoutInvalidator() {
        runner().run(context -> {
            BootLine.HealthView health = BootLine.weftHealth(context);
            assertThat(health.status()).isEqualTo("UP");
            assertThat(health.details()).containsEntry("transport", "none");
        });
    }

    @Test
    void metricsAndEndpointBeansAreCreated() {
        runner().withPropertyValues("management.endpoints.web.exposure.include=weft").run(context -> {
            assertThat(context).hasSingleBean(WeftMetrics.class);
            assertThat(context).hasSingleBean(WeftEndpoint.class);
            WeftEndpoint.WeftReport report = context.getBean(WeftEndpoint.class).weft();
            assertThat(report.enabled()).isTrue();
            assertThat(report.invalidator()).isNull();
            assertThat(report.profiles()).containsKey(CachingProfile.DEFAULT_NAME);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        static final MemoryCachingBackend BACKEND = MemoryCachingBackend.builder().maximumSize(7).build();

        @Bean
        MemoryCachingBackend ownBackend() {
            return BACKEND;
        }
    }
}
