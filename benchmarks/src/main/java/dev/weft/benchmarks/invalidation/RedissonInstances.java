package dev.weft.benchmarks.invalidation;

import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.LocalCacheInvalidateListener;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.api.options.MapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Two Redisson instances in one JVM, A and B: each its own {@link RedissonClient} with an {@link RLocalCachedMap} of
 * the same name, {@code SyncStrategy.INVALIDATE}: a change made through one map publishes the hashes of the changed
 * keys on the map's topic, and every other instance removes them from its local cache. B's map reports every entry
 * it removes that way through a {@link LocalCacheInvalidateListener} (Redisson calls it after the removal from the
 * local cache) to the {@link Arrival}.
 */
final class RedissonInstances implements AutoCloseable {

    private static final String MAP = "weft-benchmark-map";

    private final RedissonClient clientA;
    private final RedissonClient clientB;
    final RLocalCachedMap<String, String> a;
    final RLocalCachedMap<String, String> b;
    /** The same Redis hash as a plain map: writes through it publish nothing and touch no local cache. */
    private final RMap<String, String> backing;

    RedissonInstances(String uri, Arrival arrivalOnB) {
        clientA = Redisson.create(config(uri));
        clientB = Redisson.create(config(uri));
        a = clientA.getLocalCachedMap(options());
        b = clientB.getLocalCachedMap(options());
        backing = clientA.getMap(MapOptions.<String, String>name(MAP).codec(StringCodec.INSTANCE));
        b.addListener((LocalCacheInvalidateListener<String, String>) (key, value) -> arrivalOnB.arrived(key));
    }

    private static Config config(String uri) {
        Config config = new Config();
        config.useSingleServer().setAddress(uri)
                .setConnectionMinimumIdleSize(1)
                .setSubscriptionConnectionMinimumIdleSize(1);
        return config;
    }

    private static LocalCachedMapOptions<String, String> options() {
        return LocalCachedMapOptions.<String, String>name(MAP)
                .codec(StringCodec.INSTANCE)
                .syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE)
                .cacheSize(10_000);
    }

    /**
     * Puts {@code key} in Redis and in B's local cache: written through the plain map (no invalidation message
     * travels, so none can arrive late), then read through B's map, which caches what it loads.
     */
    void fillB(String key) {
        backing.fastPut(key, key);
        if (!key.equals(b.get(key))) {
            throw new IllegalStateException("B's map did not load " + key);
        }
    }

    /** Whether B's local cache holds {@code key}. */
    boolean bHolds(String key) {
        return b.getCachedMap().containsKey(key);
    }

    @Override
    public void close() {
        clientA.shutdown();
        clientB.shutdown();
    }
}
