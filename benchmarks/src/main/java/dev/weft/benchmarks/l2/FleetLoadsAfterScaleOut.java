package dev.weft.benchmarks.l2;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.CachingBackend;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidator;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.testing.redis.RedisServerProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many database loads a key costs the fleet (not a JMH benchmark: a count). Instances are backends in one JVM,
 * each with its own local cache and its own Redis connections, on a redis-server on 127.0.0.1; each reads through
 * the backend SPI the way the woven aspects do (hit path, then beginLoad, awaitPeerLoad, the load, set), one thread
 * per instance, every instance reading the same keys in the same order at the same time. A load takes 2 ms.
 *
 * <p>Scenarios, for fleets of 1, 2, 4 and 8 instances: <b>scale-out</b> (one instance has run for a while and
 * cached every key; the others start and read every key) and <b>cold start</b> (all start at once, empty). Caches:
 * {@code localOnly} (the memory backend with the Redis invalidator: today's Weft), {@code twoLevel} (the Redis
 * backend with a local cache) and {@code twoLevelSingleFlight} (with {@code distributedSingleFlight}).
 *
 * <p>Arguments: keys per instance (default 200), output file (default: standard output only).
 */
public final class FleetLoadsAfterScaleOut {

    private static final long LOAD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private FleetLoadsAfterScaleOut() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        StringBuilder table = new StringBuilder();
        table.append("| scenario | cache | instances | database loads per key | time |\n|---|---|---:|---:|---:|\n");
        for (String scenario : List.of("scale-out", "cold start")) {
            for (String cache : List.of("localOnly", "twoLevel", "twoLevelSingleFlight")) {
                for (int n : new int[] {1, 2, 4, 8}) {
                    try (RedisServerProcess redis = RedisServerProcess.start()) {
                        long start = System.nanoTime();
                        double perKey = run(redis.uri(), scenario, cache, n, keys);
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        String row = String.format("| %s | `%s` | %d | %.2f | %d ms |%n", scenario, cache, n, perKey,
                                ms);
                        System.out.print(row);
                        table.append(row);
                    }
                }
            }
        }
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), table);
        }
    }

    /** Database loads per key made by the instances that read (the warm instance's own loads not counted). */
    static double run(String uri, String scenario, String cache, int instances, int keys) throws Exception {
        AtomicInteger loads = new AtomicInteger();
        List<CachingBackend> fleet = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                fleet.add(instance(uri, cache));
            }
            List<CachingBackend> readers = fleet;
            if (scenario.equals("scale-out")) {
                for (int k = 0; k < keys; k++) {
                    call(fleet.get(0), k, new AtomicInteger());
                }
                readers = instances == 1 ? fleet : fleet.subList(1, instances);
            }
            CyclicBarrier start = new CyclicBarrier(readers.size());
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (CachingBackend b : readers) {
                running.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int k = 0; k < keys; k++) {
                        call(b, k, loads);
                    }
                }, runnable -> new Thread(runnable).start()));
            }
            CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
            return (double) loads.get() / keys;
        } finally {
            fleet.forEach(CachingBackend::close);
        }
    }

    static CachingBackend instance(String uri, String cache) throws InterruptedException {
        RedisCacheInvalidatorOptions sync = RedisCacheInvalidatorOptions.builder().channel("fleet:sync").build();
        if (cache.equals("localOnly")) {
            var invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri, sync);
            invalidator.awaitConnected(Duration.ofSeconds(10));
            return invalidator;
        }
        RedisCachingBackend backend = RedisCachingBackend.create(uri, RedisCachingBackendOptions.builder()
                .keyPrefix("fleet:")
                .localCache(MemoryCachingBackend.create())
                .localCacheSync(sync)
                .distributedSingleFlight(cache.equals("twoLevelSingleFlight"))
                .build());
        backend.awaitConnected(Duration.ofSeconds(10));
        return backend;
    }

    /** A cached call of key {@code k}, as the aspects make it. */
    static Object call(CachingBackend backend, int k, AtomicInteger loads) {
        ItemKey key = ItemKey.of("dev.weft.Fleet.product(" + k + ")");
        CacheItem hit = backend.get(key);
        if (hit != null) {
            return hit.value();
        }
        LoadToken token = backend.beginLoad(key);
        CacheItem peer = backend.awaitPeerLoad(token, TimeUnit.SECONDS.toNanos(30));
        if (peer != null) {
            backend.abandon(token);
            return peer.value();
        }
        loads.incrementAndGet();
        long until = System.nanoTime() + LOAD_NANOS;
        while (System.nanoTime() < until) {
            Thread.onSpinWait(); // the database's 2 ms
        }
        String value = "product " + k;
        backend.set(token, CacheItem.of(value, Expiration.NEVER, Set.of("product:" + k)));
        return value;
    }
}
