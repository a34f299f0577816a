package dev.weft.caching.redis;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.redis.internal.RedisConnector;
import dev.weft.caching.redis.internal.RedisTransport;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the local caches of every instance in sync over a Redis pub/sub channel.
 *
 * <pre>{@code
 * MemoryCachingBackend local = MemoryCachingBackend.create();
 * CachingServices.setDefaultBackend(RedisCacheInvalidator.create(local, "redis://cache:6379",
 *         RedisCacheInvalidatorOptions.builder().channel("shop:invalidation").build()));
 * }</pre>
 *
 * <p>Each instance subscribes to the channel and publishes its invalidations there; see {@link CacheInvalidator} for
 * what is guaranteed (loss detection, clear on resubscription, bounded staleness while disconnected). URIs are
 * Lettuce's: {@code redis://[user:password@]host:port}, {@code rediss://} for TLS, and
 * {@code redis-sentinel://host:port[,host:port]#master} for Sentinel. For Redis Cluster, pass the seed nodes to
 * {@link #createForCluster} or pass a {@link RedisClusterClient} (with adaptive topology refresh on).
 *
 * <p>Ownership: an invalidator created from a URI owns its {@link RedisClient} and shuts it down on close; one created
 * from a client the application passed leaves that client open. Either way it closes its own connections and the
 * local backend.
 */
public final class RedisCacheInvalidator {

    private RedisCacheInvalidator() {
    }

    /** An invalidator over {@code local}, on a client the application owns. */
    public static CacheInvalidator create(CachingBackend local, RedisClient client,
                                          RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(client, "client");
        return CacheInvalidator.create(local, transport(client, false, null, options), options);
    }

    /**
     * An invalidator over {@code local}, on a Redis Cluster client the application owns. The subscription lives on
     * one node and moves to another when that node goes away (the local cache is then cleared, as on any
     * resubscription); PUBLISH goes to the node serving the channel's slot, and Redis forwards every message to all
     * nodes. Turn on the client's adaptive topology refresh so that publishing follows a failover.
     */
    public static CacheInvalidator create(CachingBackend local, RedisClusterClient client,
                                          RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(client, "client");
        return CacheInvalidator.create(local, transport(RedisConnector.cluster(client), false, options), options);
    }

    /** An invalidator over {@code local}, on a client it creates for {@code uri} and owns. */
    public static CacheInvalidator create(CachingBackend local, RedisURI uri, RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(uri, "uri");
        return CacheInvalidator.create(local, transport(RedisClient.create(), true, uri, options), options);
    }

    /**
     * An invalidator over {@code local}, on a client it creates for {@code uri} and owns.
     *
     * @throws CachingConfigurationException for a URI Lettuce cannot parse (the message never shows a password)
     */
    public static CacheInvalidator create(CachingBackend local, String uri, RedisCacheInvalidatorOptions options) {
        return create(local, parse(uri), options);
    }

    /** A publish-only client, for a process without a cache, on a client the application owns. */
    public static InvalidationPublisher publisher(RedisClient client, RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(client, "client");
        return CacheInvalidator.publisher(startedForPublishing(transport(client, false, null, options)), options);
    }

    /**
     * An invalidator over {@code local}, on a Redis Cluster client it creates for the seed nodes {@code seedUris}
     * (Lettuce URIs, {@code redis://[user:password@]host:port} or {@code rediss://...}) and owns, with adaptive
     * topology refresh on.
     *
     * @throws CachingConfigurationException for an empty list or a URI Lettuce cannot parse
     */
    public static CacheInvalidator createForCluster(CachingBackend local, List<String> seedUris,
                                                    RedisCacheInvalidatorOptions options) {
        List<RedisURI> seeds = seeds(seedUris);
        RedisClusterClient client = clusterClient(seeds);
        try {
            return CacheInvalidator.create(local, transport(RedisConnector.cluster(client, seeds), true, options),
                    options);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    /** A publish-only client, for a process without a cache, on a Redis Cluster client the application owns. */
    public static InvalidationPublisher publisher(RedisClusterClient client, RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(client, "client");
        return CacheInvalidator.publisher(
                startedForPublishing(transport(RedisConnector.cluster(client), false, options)), options);
    }

    /** A publish-only client, on a client it creates for {@code uri} and owns. */
    public static InvalidationPublisher publisher(String uri, RedisCacheInvalidatorOptions options) {
        return CacheInvalidator.publisher(
                startedForPublishing(transport(RedisClient.create(), true, parse(uri), options)), options);
    }

    private static RedisTransport transport(RedisClient client, boolean owns, RedisURI uri,
                                            RedisCacheInvalidatorOptions options) {
        return transport(RedisConnector.standalone(client, uri), owns, options);
    }

    private static RedisTransport transport(RedisConnector connector, boolean owns,
                                            RedisCacheInvalidatorOptions options) {
        Objects.requireNonNull(options, "options");
        return new RedisTransport(connector, owns, options.channel(), options.maxMessageBytes(),
                options.requireConnectionAtStart());
    }

    private static List<RedisURI> seeds(List<String> seedUris) {
        Objects.requireNonNull(seedUris, "seedUris");
        if (seedUris.isEmpty()) {
            throw new CachingConfigurationException("a Redis Cluster needs at least one seed node URI");
        }
        List<RedisURI> seeds = new ArrayList<>();
        for (String uri : seedUris) {
            seeds.add(parse(uri));
        }
        return seeds;
    }

    private static RedisClusterClient clusterClient(List<RedisURI> seeds) {
        RedisClusterClient client = RedisClusterClient.create(seeds);
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .build())
                .build());
        return client;
    }

    private static RedisTransport startedForPublishing(RedisTransport transport) {
        transport.startPublishing();
        return transport;
    }

    private static RedisURI parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        try {
            return RedisURI.create(uri);
        } catch (RuntimeException e) {
            // neither the URI nor Lettuce's message (which may repeat it) goes out unredacted, and the exception is
            // not chained: its message and stack trace would show the password to whoever logs or reports it
            throw new CachingConfigurationException("invalid Redis URI \"" + RedisUris.redact(uri, uri) + "\": "
                    + RedisUris.redact(uri, String.valueOf(e.getMessage())) + " (expected redis://[user:password@]host"
                    + ":port, rediss://... or redis-sentinel://host:port#master)");
        }
    }
}
