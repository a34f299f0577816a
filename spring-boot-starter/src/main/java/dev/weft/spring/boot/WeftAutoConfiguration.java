package dev.weft.spring.boot;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.spring.boot.internal.CachingSwitchedOff;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import dev.weft.spring.boot.internal.PropertyCheck;
import dev.weft.spring.boot.internal.WovenBeansCheck;
import dev.weft.caching.backend.CachingBackend;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Configures Weft from {@code weft.*}: a {@link MemoryCachingBackend}, wrapped by the invalidator that
 * {@code weft.invalidator.type} names, made {@code CachingServices}' default backend at start-up and closed at
 * shutdown; the profiles of {@code weft.profiles.*}. With {@code weft.enabled=false}, caching is off and nothing is
 * created. Weft's aspects stay compile-time woven: nothing here creates a proxy.
 *
 * <p>At start-up, {@code weft.weaving-check} checks that the {@code @Cached} and {@code @InvalidateCache} annotations of
 * every bean take effect (see {@link WeavingCheck}).
 *
 * <p>Beans an application may define instead: a {@link MemoryCachingBackend}; a Lettuce {@code RedisClient} (used, not
 * closed); a {@code TokenCredential} for Azure; {@link RedisInvalidatorCustomizer}s and
 * {@link AzureInvalidatorCustomizer}s to adjust options that properties cannot express.
 */
@AutoConfiguration
@ConditionalOnClass({CachingServices.class, MemoryCachingBackend.class})
@EnableConfigurationProperties(WeftProperties.class)
public class WeftAutoConfiguration {

    /** With {@code weft.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "weft.enabled", havingValue = false)
    static class CachingOff {

        @Bean
        CachingSwitchedOff weftCachingSwitchedOff() {
            return new CachingSwitchedOff();
        }
    }

    /** With {@code weft.enabled=true}, the default. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty(name = "weft.enabled", matchIfMissing = true)
    @Import({RedisInvalidatorConfiguration.class, RedisBackendConfiguration.class,
            AzureInvalidatorConfiguration.class})
    static class CachingOn {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        MemoryCachingBackend weftMemoryBackend(WeftProperties properties) {
            MemoryCachingBackend.Builder b = MemoryCachingBackend.builder();
            WeftProperties.Memory memory = properties.getMemory();
            PropertyCheck.apply("weft.memory.maximum-size", memory.getMaximumSize(), b::maximumSize);
            return b.recordStatistics(memory.isRecordStatistics()).build();
        }

        @Bean
        WovenBeansCheck weftWovenBeansCheck(ConfigurableListableBeanFactory beans, WeftProperties properties) {
            return new WovenBeansCheck(beans, properties.getWeavingCheck());
        }

        @Bean
        DefaultBackendInstallation weftBackendInstallation(WeftProperties properties, MemoryCachingBackend memory,
                                                           ObjectProvider<CacheInvalidator> invalidator,
                                                           @Qualifier(RedisBackendConfiguration.BEAN)
                                                           ObjectProvider<CachingBackend> shared) {
            return new DefaultBackendInstallation(properties, memory, invalidator.getIfAvailable(),
                    shared.getIfAvailable());
        }
    }
}
