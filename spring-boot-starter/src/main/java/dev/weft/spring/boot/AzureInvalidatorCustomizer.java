package dev.weft.spring.boot;

import dev.weft.caching.azure.AzureCacheInvalidatorOptions;

/**
 * A bean that adjusts the Azure Service Bus invalidator's options after {@code weft.azure.*} was applied: a
 * {@code clientCustomizer} for AMQP over WebSockets or a proxy, an {@code httpClient} for the administration and
 * Resource Manager calls. The builder validates what the customizer sets.
 */
@FunctionalInterface
public interface AzureInvalidatorCustomizer {

    /** Adjusts the options builder; called once, at start-up. */
    void customize(AzureCacheInvalidatorOptions.Builder options);
}
