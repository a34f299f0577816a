package dev.weft.benchmarks.l2;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * The L2-hit target, measured so that a busy machine cannot decide it: a Weft read from Redis
 * ({@code RedisCachingBackend.get} without a local cache) and its reference (a raw Lettuce {@code GET} of the same
 * bytes and the same deserialization) alternate, call by call, on one thread, so that whatever slows the machine
 * slows both; the ratio of their medians and of their 90th percentiles is printed, for each value shape. JMH's
 * {@link L2HitBenchmark} measures each on its own.
 *
 * <p>Arguments: pairs to measure (default 20,000) after as many of warm-up.
 */
public final class L2HitPairedRatio {

    private L2HitPairedRatio() {
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            for (String shape : new String[] {"small", "graph2k"}) {
                measure(redis.uri(), shape, pairs);
            }
        }
    }

    private static void measure(String uri, String shape, int pairs) {
        JsonValueSerializer serializer = L2HitBenchmark.serializer();
        int keys = L2HitBenchmark.KEYS;
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
             RedisCachingBackend backend = RedisCachingBackend.create(uri, RedisCachingBackendOptions.builder()
                     .keyPrefix("paired:").serializer(serializer).build())) {
            RedisCommands<byte[], byte[]> sync = c.sync();
            byte[][] rawKeys = new byte[keys][];
            ItemKey[] weftKeys = new ItemKey[keys];
            for (int i = 0; i < keys; i++) {
                Object v = Values.of(shape, i);
                rawKeys[i] = ("raw:" + i).getBytes(StandardCharsets.UTF_8);
                sync.set(rawKeys[i], serializer.serialize(v));
                weftKeys[i] = ItemKey.of("dev.weft.Bench.get(" + i + ")");
                LoadToken t = backend.beginLoad(weftKeys[i]);
                backend.set(t, CacheItem.of(v, Expiration.NEVER, Set.of()));
            }
            long[] raw = new long[pairs];
            long[] weft = new long[pairs];
            for (int round = 0; round < 2; round++) { // the first round warms up
                for (int p = 0; p < pairs; p++) {
                    int i = p % keys;
                    long t0 = System.nanoTime();
                    Object a = serializer.deserialize(sync.get(rawKeys[i]));
                    long t1 = System.nanoTime();
                    CacheItem b = backend.get(weftKeys[i]);
                    long t2 = System.nanoTime();
                    if (a == null || b == null || !a.equals(b.value())) {
                        throw new IllegalStateException("key " + i + " did not read back");
                    }
                    raw[p] = t1 - t0;
                    weft[p] = t2 - t1;
                }
            }
            Arrays.sort(raw);
            Arrays.sort(weft);
            long r50 = raw[pairs / 2];
            long w50 = weft[pairs / 2];
            long r90 = raw[pairs * 9 / 10];
            long w90 = weft[pairs * 9 / 10];
            System.out.printf("%s: p50 weft %.1f us, raw Lettuce GET + deserialize %.1f us, ratio %.2f; "
                            + "p90 %.1f vs %.1f us, ratio %.2f (%d pairs)%n", shape, w50 / 1e3, r50 / 1e3,
                    (double) w50 / r50, w90 / 1e3, r90 / 1e3, (double) w90 / r90, pairs);
        } finally {
            client.shutdown();
        }
    }
}
