package dev.weft.caching.redis;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.jvm.ChildChannel;

import io.lettuce.core.cluster.RedisClusterClient;

import java.time.Duration;
import java.util.Arrays;

/**
 * Another instance of the application, in its own JVM: a {@link ProductCatalog} cached in memory and kept in sync
 * by a {@link RedisCacheInvalidator}. Arguments: Redis URI (or {@code cluster:uri,uri,...} for the seed nodes of a
 * Redis Cluster), channel, while-disconnected policy.
 *
 * <p>Commands: {@code DB id name} (change the database only), {@code GET id}, {@code RENAME id name}
 * (an {@code @InvalidateCache} method), {@code INVDEP dependency}, {@code CLEAR}, {@code CALLS} (source calls so
 * far), {@code STATUS} (connected, subscriptions, gaps).
 */
public final class PeerMain {

    static final String CLUSTER = "cluster:";

    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        ChildChannel channel = ChildChannel.open();
        MemoryCachingBackend local = MemoryCachingBackend.create();
        RedisCacheInvalidatorOptions options = RedisCacheInvalidatorOptions.builder()
                .channel(args[1])
                .whileDisconnected(WhileDisconnected.valueOf(args[2]))
                .build();
        RedisClusterClient clusterClient = args[0].startsWith(CLUSTER)
                ? RedisClusterTest.clusterClient(Arrays.asList(args[0].substring(CLUSTER.length()).split(",")))
                : null;
        CacheInvalidator invalidator = clusterClient != null
                ? RedisCacheInvalidator.create(local, clusterClient, options)
                : RedisCacheInvalidator.create(local, args[0], options);
        CachingServices.setDefaultBackend(invalidator);
        if (!invalidator.awaitConnected(Duration.ofSeconds(20))) {
            throw new IllegalStateException("not subscribed: " + invalidator.status());
        }
        ProductCatalog catalog = new ProductCatalog();
        channel.ready();
        channel.serve(command -> {
            String[] w = command.split(" ", 3);
            switch (w[0]) {
                case "DB":
                    catalog.database.put(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "GET":
                    return catalog.getProduct(Long.parseLong(w[1]));
                case "RENAME":
                    catalog.rename(Long.parseLong(w[1]), w[2]);
                    return "OK";
                case "INVDEP":
                    CachingServices.invalidateDependency(w[1]);
                    return "OK";
                case "CLEAR":
                    CachingServices.clear();
                    return "OK";
                case "CALLS":
                    return String.valueOf(catalog.sourceCalls.get());
                case "STATUS":
                    InvalidatorStatus s = invalidator.status();
                    return s.state() + " " + s.subscriptions() + " " + s.gapsDetected() + " " + s.bypassingCache();
                default:
                    throw new IllegalArgumentException("unknown command " + command);
            }
        });
        invalidator.close();
        if (clusterClient != null) {
            clusterClient.shutdown();
        }
    }
}
