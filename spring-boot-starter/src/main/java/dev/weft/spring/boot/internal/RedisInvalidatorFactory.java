package dev.weft.spring.boot.internal;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.spring.boot.InvalidWeftPropertyException;
import dev.weft.spring.boot.RedisInvalidatorCustomizer;
import dev.weft.spring.boot.RedisInvalidatorProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;

import java.util.List;

/**
 * Creates the Redis invalidator from {@code weft.redis.*}: on the application's {@link RedisClient} or
 * {@link RedisClusterClient} when there is one (then the client stays the application's), else on a client Weft
 * creates for {@code weft.redis.uri} and shuts down with the invalidator.
 */
public final class RedisInvalidatorFactory {

    private static final String PREFIX = "weft.redis";

    private RedisInvalidatorFactory() {
    }

    /**
     * Validates every property, then connects.
     *
     * @param client        the application's client, or {@code null}
     * @param clusterClient the application's Redis Cluster client, or {@code null}
     * @throws InvalidWeftPropertyException naming the property at fault, or {@code weft.redis.uri} when Redis cannot be
     *                                      reached or refuses the credentials
     */
    public static CacheInvalidator create(MemoryCachingBackend local, RedisInvalidatorProperties p, RedisClient client,
                                          RedisClusterClient clusterClient,
                                          List<RedisInvalidatorCustomizer> customizers) {
        RedisCacheInvalidatorOptions options = options(p, customizers);
        if (client != null && clusterClient != null) {
            throw new InvalidWeftPropertyException(PREFIX + ".uri", null, "the application defines both a "
                    + "RedisClient and a RedisClusterClient bean, and Weft cannot tell which one carries "
                    + "invalidations", "Define only one of them as a bean.", null);
        }
        boolean own = client != null || clusterClient != null;
        boolean cluster = !own && p.getClusterNodes() != null && !p.getClusterNodes().isEmpty();
        if (cluster && p.getUri() != null) {
            throw new InvalidWeftPropertyException(PREFIX + ".cluster-nodes", null, "both '" + PREFIX + ".uri' and '"
                    + PREFIX + ".cluster-nodes' are set", "Set '" + PREFIX + ".uri' for a standalone or Sentinel "
                    + "Redis, or '" + PREFIX + ".cluster-nodes' for a Redis Cluster, not both.", null);
        }
        if (!own && !cluster && p.getUri() == null) {
            throw PropertyCheck.missing(PREFIX + ".uri", "weft.invalidator.type is redis, '" + PREFIX
                    + ".cluster-nodes' is not set and the application defines no RedisClient or RedisClusterClient "
                    + "bean");
        }
        String property = cluster ? PREFIX + ".cluster-nodes" : PREFIX + ".uri";
        try {
            if (clusterClient != null) {
                return RedisCacheInvalidator.create(local, clusterClient, options);
            }
            if (cluster) {
                return RedisCacheInvalidator.createForCluster(local, p.getClusterNodes(), options);
            }
            return client != null ? RedisCacheInvalidator.create(local, client, options)
                    : RedisCacheInvalidator.create(local, p.getUri(), options);
        } catch (CachingConfigurationException e) {
            // an unparseable URI, refused credentials, or Redis unreachable at start: all are about where to connect
            throw new InvalidWeftPropertyException(property, null, e.getMessage(), own
                    ? "Check the application's Redis client bean and that Redis is reachable, or set '" + PREFIX
                    + ".require-connection-at-start=false' to start disconnected."
                    : "Check '" + property + "' and that Redis is reachable, or set '" + PREFIX
                    + ".require-connection-at-start=false' to start disconnected.", e);
        }
    }

    /** The options {@code weft.redis.*} describe, customizers applied last. */
    public static RedisCacheInvalidatorOptions options(RedisInvalidatorProperties p,
                                                List<RedisInvalidatorCustomizer> customizers) {
        RedisCacheInvalidatorOptions.Builder b = RedisCacheInvalidatorOptions.builder();
        SharedOptions.apply(PREFIX, p, b);
        PropertyCheck.apply(PREFIX + ".channel", p.getChannel(), b::channel);
        b.requireConnectionAtStart(p.isRequireConnectionAtStart());
        customizers.forEach(c -> c.customize(b));
        return b.build();
    }
}
