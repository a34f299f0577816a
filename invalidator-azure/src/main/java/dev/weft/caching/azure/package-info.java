/**
 * Cross-instance invalidation over Azure Service Bus topics: {@link dev.weft.caching.azure.AzureCacheInvalidator}
 * (the entry point), {@link dev.weft.caching.azure.AzureCacheInvalidatorOptions} and
 * {@link dev.weft.caching.azure.SubscriptionStrategy}. Everything else is in {@code internal} and may change.
 */
package dev.weft.caching.azure;
