package dev.weft.caching.redis.backend.fleet;

import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;

import java.time.Duration;
import java.util.Arrays;

/** How every instance of the fleet tests creates its backend, in the test JVM and in peers alike. */
public final class FleetBackends {

    static final String CLUSTER = "cluster:";

    private FleetBackends() {
    }

    /** {@code uri} is a Redis URI, or {@code cluster:} and the seed nodes' URIs. */
    public static RedisCachingBackend create(String uri, String prefix, boolean twoLevel, boolean singleFlight) {
        return create(uri, prefix, twoLevel, singleFlight, RedisCachingBackendOptions.DEFAULT_MAXIMUM_LOAD_DURATION);
    }

    /**
     * As {@link #create(String, String, boolean, boolean)}, with another {@code maximumLoadDuration}: it also bounds
     * the lease of a fleet-wide load.
     */
    public static RedisCachingBackend create(String uri, String prefix, boolean twoLevel, boolean singleFlight,
                                             Duration maximumLoadDuration) {
        RedisCachingBackendOptions.Builder b = RedisCachingBackendOptions.builder()
                .keyPrefix(prefix)
                .serializer(JsonValueSerializer.builder().allowPackages("dev.weft.caching.redis.backend").build())
                .distributedSingleFlight(singleFlight)
                .maximumLoadDuration(maximumLoadDuration)
                .commandTimeout(Duration.ofMillis(300))
                .retryInterval(Duration.ofMillis(200));
        if (twoLevel) {
            b.localCache(MemoryCachingBackend.create())
                    .localCacheSync(RedisCacheInvalidatorOptions.builder().channel(prefix + "sync").build());
        }
        if (uri.startsWith(CLUSTER)) {
            return RedisCachingBackend.createForCluster(Arrays.asList(uri.substring(CLUSTER.length()).split(",")),
                    b.build());
        }
        return RedisCachingBackend.create(uri, b.build());
    }
}
