package dev.weft.spring.boot;

import com.azure.core.credential.TokenCredential;
import dev.weft.caching.azure.AzureCacheInvalidator;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.spring.boot.internal.AzureInvalidatorFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code weft.invalidator.type=azure} and {@code weft-invalidator-azure} on the class path: the Service Bus
 * invalidator over the memory backend. Closing it at shutdown deletes a subscription it created.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(AzureCacheInvalidator.class)
@ConditionalOnProperty(name = "weft.invalidator.type", havingValue = "azure")
class AzureInvalidatorConfiguration {

    @Bean(destroyMethod = "close")
    CacheInvalidator weftInvalidator(MemoryCachingBackend memory, WeftProperties properties,
                                     ObjectProvider<TokenCredential> credential,
                                     ObjectProvider<AzureInvalidatorCustomizer> customizers) {
        return AzureInvalidatorFactory.create(memory, properties.getAzure(), credential.getIfUnique(),
                customizers.orderedStream().toList());
    }
}
