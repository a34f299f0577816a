package dev.weft.caching.azure;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.azure.internal.ServiceBusTransport;

import java.util.Objects;

/**
 * Keeps the local caches of every instance in sync over an Azure Service Bus topic.
 *
 * <pre>{@code
 * MemoryCachingBackend local = MemoryCachingBackend.create();
 * CachingServices.setDefaultBackend(AzureCacheInvalidator.create(local,
 *         AzureCacheInvalidatorOptions.builder()
 *             .connectionString(connectionString)        // or .fullyQualifiedNamespace(ns).credential(credential)
 *             .topic("cache-invalidation")
 *             .subscription(SubscriptionStrategy.autoCreate())
 *             .build()));
 * }</pre>
 *
 * <p>Each instance publishes its invalidations to the topic and receives everyone's on a subscription of its own
 * ({@link SubscriptionStrategy}), in RECEIVE_AND_DELETE mode. See {@link CacheInvalidator} for what is guaranteed
 * (loss detection by sequence numbers, the cache cleared on every re-established receive link, bounded staleness
 * while disconnected, group commit). Specific to Service Bus:
 * <ul>
 *   <li>The SDK does not say when its receive link is (re)established, so the invalidator watches deliveries: a
 *       quiet topic is checked with small probe messages (see
 *       {@link AzureCacheInvalidatorOptions.Builder#linkCheckInterval}).</li>
 *   <li>An instance whose own messages stop coming back shares its subscription with another consumer: logged at
 *       ERROR and counted ({@code status().details()}: {@code missingOwnMessages},
 *       {@code sharedSubscriptionSuspected}).</li>
 *   <li>Messages are sent as {@code ServiceBusMessageBatch}es, never over the namespace's size limit.</li>
 * </ul>
 *
 * <p>Ownership: every client the invalidator creates (the AMQP connection with its processor and sender, the
 * administration or Resource Manager client) is closed by {@code close()}, which also deletes an auto-created
 * subscription (best effort, logged) and closes the local backend. A credential the application passed stays the
 * application's.
 */
public final class AzureCacheInvalidator {

    private AzureCacheInvalidator() {
    }

    /**
     * An invalidator over {@code local}: provisions or checks the subscription, opens the sender, and returns once
     * the receive link delivers (or, with {@code requireConnectionAtStart(false)}, after the start timeout).
     *
     * @throws CachingConfigurationException when no subscription strategy is set, the topic or subscription does not
     *                                       exist, the key is wrong, a right is missing (the message names namespace,
     *                                       topic, subscription and the right), or the link did not deliver in time
     */
    public static CacheInvalidator create(CachingBackend local, AzureCacheInvalidatorOptions options) {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(options, "options");
        return CacheInvalidator.create(local, new ServiceBusTransport(options, false), options);
    }

    /**
     * A publish-only client, for a process without a cache (a change feed, a batch job): it opens a sender only and
     * needs the Send right; {@code options.subscription()} is ignored.
     *
     * @throws CachingConfigurationException when the topic does not exist, the key is wrong or Send is missing
     */
    public static InvalidationPublisher publisher(AzureCacheInvalidatorOptions options) {
        Objects.requireNonNull(options, "options");
        ServiceBusTransport transport = new ServiceBusTransport(options, true);
        transport.startPublishing();
        return CacheInvalidator.publisher(transport, options);
    }
}
