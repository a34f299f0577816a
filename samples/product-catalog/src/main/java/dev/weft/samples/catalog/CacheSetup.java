package dev.weft.samples.catalog;

import dev.weft.caching.CachingServices;
import dev.weft.caching.azure.AzureCacheInvalidator;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;

import java.util.Optional;

/**
 * The caching backend of an API instance, chosen by {@link ServerConfig#backend()} and installed as Weft's default
 * backend: this is the start-up code an application writes once.
 */
final class CacheSetup implements AutoCloseable {

    /** Room for every seeded product and then some: the sample never evicts for size. */
    private static final long MAXIMUM_ENTRIES = 50_000;

    private final CachingBackend backend;
    private final CacheInvalidator invalidator;
    private final String description;

    private CacheSetup(CachingBackend backend, CacheInvalidator invalidator, String description) {
        this.backend = backend;
        this.invalidator = invalidator;
        this.description = description;
    }

    /**
     * Creates the configured backend and makes it {@link CachingServices}' default.
     *
     * @param instanceName prefixes the invalidator's instance id, so that logs and status name this instance
     * @throws dev.weft.caching.CachingConfigurationException if Redis or Service Bus cannot be reached, or refuses
     *                                                        the credentials (the message names it)
     */
    static CacheSetup install(ServerConfig config, String instanceName) {
        MemoryCachingBackend local = MemoryCachingBackend.builder().maximumSize(MAXIMUM_ENTRIES).build();
        CacheSetup setup = switch (config.backend()) {
            case MEMORY -> new CacheSetup(local, null, "memory");
            case REDIS -> {
                CacheInvalidator redis = RedisCacheInvalidator.create(local, config.redisUri(),
                        RedisCacheInvalidatorOptions.builder()
                                .channel(config.redisChannel())
                                .instanceIdPrefix(instanceName)
                                .build());
                yield new CacheSetup(redis, redis, "redis (channel '" + config.redisChannel() + "')");
            }
            case L2 -> {
                RedisCachingBackend shared = RedisCachingBackend.create(config.redisUri(),
                        RedisCachingBackendOptions.builder()
                                .keyPrefix("catalog:")
                                .localCache(local)
                                .localCacheSync(RedisCacheInvalidatorOptions.builder()
                                        .channel(config.redisChannel())
                                        .instanceIdPrefix(instanceName)
                                        .build())
                                .serializer(JsonValueSerializer.builder()
                                        .allowPackages("dev.weft.samples.catalog")
                                        .build())
                                .distributedSingleFlight(true)
                                .build());
                yield new CacheSetup(shared, shared.localCacheSync(), "redis l2 (prefix 'catalog:', channel '"
                        + config.redisChannel() + "')");
            }
            case AZURE -> {
                String subscription = config.azureSubscription();
                CacheInvalidator azure = AzureCacheInvalidator.create(local, AzureCacheInvalidatorOptions.builder()
                        .connectionString(config.azureConnectionString())
                        .topic(config.azureTopic())
                        .subscription(subscription.equals("auto") ? SubscriptionStrategy.autoCreate()
                                : SubscriptionStrategy.existing(subscription.substring("existing:".length())))
                        .instanceIdPrefix(instanceName)
                        .build());
                yield new CacheSetup(azure, azure, "azure (topic '" + config.azureTopic() + "')");
            }
        };
        CachingServices.setDefaultBackend(setup.backend);
        return setup;
    }

    /** The invalidator's status, when the backend has one. */
    Optional<InvalidatorStatus> invalidatorStatus() {
        return Optional.ofNullable(invalidator).map(CacheInvalidator::status);
    }

    /** The Redis level's status, with {@code --backend=l2}. */
    Optional<RedisCachingBackendStatus> redisLevelStatus() {
        return backend instanceof RedisCachingBackend
                ? Optional.of(((RedisCachingBackend) backend).status()) : Optional.empty();
    }

    /** {@code memory}, or the invalidator's transport. */
    String description() {
        return description;
    }

    /** Flushes pending invalidations (bounded) and closes the backend. */
    @Override
    public void close() {
        backend.close();
    }
}
