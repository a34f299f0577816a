package dev.weft.benchmarks.l2;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.backend.JsonValueSerializer;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendOptions;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.config.Config;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A read from Redis that finds the value (an L2 hit: the local level missed, or there is none), one thread, against
 * a redis-server on 127.0.0.1 that the trial starts. 1024 keys, read in turn; every read must find its value.
 *
 * <ul>
 *   <li>{@code rawLettuceGet}, the reference: a synchronous Lettuce {@code GET} of the bytes Weft's default
 *       serializer writes for the value, and that serializer's {@code deserialize}: the same work, without Weft;</li>
 *   <li>{@code weftRedis}: {@code RedisCachingBackend.get} without a local cache: one script (the entry's fields,
 *       its state from the server's clock), then the same deserialization;</li>
 *   <li>{@code redissonMap}: Redisson's {@code RMap.get} ({@code HGET}), what an {@code RLocalCachedMap} does when its
 *       local cache misses, with Redisson's default codec (Kryo 5, registration not required);</li>
 *   <li>{@code springRedisCache}: Spring's {@code RedisCacheManager} on Lettuce, {@code Cache.get}, with its default
 *       serializer (Java serialization).</li>
 * </ul>
 * And a local hit of each two-level cache, for scale: {@code weftTwoLevelLocalHit} ({@code RedisCachingBackend.get}
 * answered by its local level) and {@code redissonLocalCachedMapHit} ({@code RLocalCachedMap.get} from its local
 * cache).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class L2HitBenchmark {

    static final int KEYS = 1024;

    @Param({"rawLettuceGet", "weftRedis", "redissonMap", "springRedisCache", "weftTwoLevelLocalHit",
            "redissonLocalCachedMapHit"})
    public String variant;

    @Param({"small", "graph2k"})
    public String shape;

    private RedisServerProcess redis;
    private AutoCloseable resources;
    private Reader reader;
    private int next;

    /** One variant's read of key {@code i}. */
    interface Reader {
        Object read(int i);
    }

    @Setup(Level.Trial)
    public void setUp() {
        redis = RedisServerProcess.start();
        Object[] values = new Object[KEYS];
        for (int i = 0; i < KEYS; i++) {
            values[i] = Values.of(shape, i);
        }
        switch (variant) {
            case "rawLettuceGet": {
                JsonValueSerializer serializer = serializer();
                RedisClient client = RedisClient.create(redis.uri());
                StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
                RedisCommands<byte[], byte[]> sync = c.sync();
                byte[][] keys = new byte[KEYS][];
                for (int i = 0; i < KEYS; i++) {
                    keys[i] = ("raw:" + i).getBytes(StandardCharsets.UTF_8);
                    sync.set(keys[i], serializer.serialize(values[i]));
                }
                reader = i -> serializer.deserialize(sync.get(keys[i]));
                resources = () -> {
                    c.close();
                    client.shutdown();
                };
                break;
            }
            case "weftRedis":
            case "weftTwoLevelLocalHit": {
                RedisCachingBackendOptions.Builder options = RedisCachingBackendOptions.builder()
                        .keyPrefix("bench:").serializer(serializer());
                if (variant.equals("weftTwoLevelLocalHit")) {
                    options.localCache(MemoryCachingBackend.builder().maximumSize(10_000).build());
                }
                RedisCachingBackend backend = RedisCachingBackend.create(redis.uri(), options.build());
                ItemKey[] keys = new ItemKey[KEYS];
                for (int i = 0; i < KEYS; i++) {
                    keys[i] = ItemKey.of("dev.weft.Bench.get(" + i + ")");
                    LoadToken t = backend.beginLoad(keys[i]);
                    if (!backend.set(t, CacheItem.of(values[i], Expiration.NEVER, Set.of()))) {
                        throw new IllegalStateException("not stored");
                    }
                }
                reader = i -> {
                    CacheItem item = backend.get(keys[i]);
                    return item == null ? null : item.value();
                };
                resources = backend;
                break;
            }
            case "redissonMap":
            case "redissonLocalCachedMapHit": {
                Config config = new Config();
                config.useSingleServer().setAddress(redis.uri()).setConnectionMinimumIdleSize(1);
                RedissonClient client = Redisson.create(config);
                RMap<Integer, Object> map = variant.equals("redissonMap") ? client.getMap("bench")
                        : client.getLocalCachedMap(LocalCachedMapOptions.<Integer, Object>name("bench")
                        .cacheSize(10_000));
                for (int i = 0; i < KEYS; i++) {
                    map.fastPut(i, values[i]);
                }
                if (map instanceof RLocalCachedMap) {
                    for (int i = 0; i < KEYS; i++) {
                        map.get(i);
                    }
                }
                reader = map::get;
                resources = client::shutdown;
                break;
            }
            case "springRedisCache": {
                LettuceConnectionFactory factory = new LettuceConnectionFactory(
                        new RedisStandaloneConfiguration(redis.host(), redis.port()));
                factory.afterPropertiesSet();
                factory.start();
                RedisCacheManager manager = RedisCacheManager.create(factory);
                manager.afterPropertiesSet();
                Cache cache = manager.getCache("bench");
                for (int i = 0; i < KEYS; i++) {
                    cache.put(i, values[i]);
                }
                reader = i -> {
                    Cache.ValueWrapper w = cache.get(i);
                    return w == null ? null : w.get();
                };
                resources = factory::destroy;
                break;
            }
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
        for (int i = 0; i < KEYS; i++) {
            if (!values[i].equals(reader.read(i))) {
                throw new IllegalStateException(variant + ": key " + i + " did not read back its value");
            }
        }
    }

    static JsonValueSerializer serializer() {
        return JsonValueSerializer.builder().allowPackages("dev.weft.benchmarks").build();
    }

    @Benchmark
    public Object read() {
        int i = next;
        next = i + 1 == KEYS ? 0 : i + 1;
        Object v = reader.read(i);
        if (v == null) {
            throw new IllegalStateException(variant + ": key " + i + " was not found");
        }
        return v;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        resources.close();
        redis.close();
    }
}
