package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.redis.RedisSentinelProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis level behind a Sentinel: backends created from a {@code redis-sentinel://} URI, which names no Redis
 * server but the sentinel, so both of their connections go where the sentinel says the master is: the Redis level's
 * (its scripts) and the local caches' sync (pub/sub). Two backends in this JVM stand for two instances; the fleet
 * tests cover several JVMs on a plain URI.
 */
class SentinelTest {

    static RedisServerProcess master;
    static RedisSentinelProcess sentinel;
    /** The master itself, by its address: where the test looks for what the backends wrote. */
    static RedisClient direct;
    static RedisCommands<String, String> raw;
    final List<AutoCloseable> closeables = new ArrayList<>();
    String prefix;

    @BeforeAll
    static void startRedis() {
        master = RedisServerProcess.start();
        sentinel = RedisSentinelProcess.start(master);
        direct = RedisClient.create(master.uri());
        raw = direct.connect().sync();
    }

    @AfterAll
    static void stopRedis() {
        if (direct != null) {
            direct.shutdown();
        }
        if (sentinel != null) {
            sentinel.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "s" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** An instance with both levels, through the sentinel; returns once its sync is subscribed. */
    RedisCachingBackend instance() throws InterruptedException {
        RedisCachingBackend b = RedisCachingBackend.create(sentinel.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix(prefix)
                .localCache(MemoryCachingBackend.create())
                .build());
        closeables.add(b);
        assertThat(b.awaitConnected(Duration.ofSeconds(10))).as("its sync subscribed through the sentinel").isTrue();
        return b;
    }

    static void store(RedisCachingBackend b, String key, Object value, String... dependencies) {
        LoadToken t = b.beginLoad(ItemKey.of(key));
        assertThat(b.set(t, CacheItem.of(value, Expiration.NEVER, Set.of(dependencies)))).isTrue();
    }

    /** Whether the master holds the entry of {@code key} (one shard: the base is {@code <prefix>{0}:}). */
    boolean onTheMaster(String key) {
        return raw.exists(prefix + "{0}:e:" + key) == 1;
    }

    @Test
    void aValueStoredByOneInstanceIsReadByAnotherFromTheMasterTheSentinelNames() throws InterruptedException {
        assertThat(sentinel.uri()).startsWith("redis-sentinel://");
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        assertThat(raw.pubsubNumsub(prefix + "invalidation")).as("both syncs subscribed on the master")
                .containsEntry(prefix + "invalidation", 2L);

        store(a, "p1", "tea", "product:1");
        assertThat(onTheMaster("p1")).as("the script stored it on the master").isTrue();

        CacheItem read = b.get(ItemKey.of("p1"));
        assertThat(read).isNotNull();
        assertThat(read.value()).isEqualTo("tea");
        assertThat(read.dependencies()).containsExactly("product:1");
        assertThat(b.status().hits()).as("read from Redis").isOne();
        assertThat(b.get(ItemKey.of("p1")).value()).isEqualTo("tea");
        assertThat(b.status().hits()).as("then from its local cache").isOne();
        assertThat(b.status().health()).isEqualTo(RedisCachingBackendStatus.Health.UP);
    }

    /**
     * An invalidation on one instance removes the entry on the master, and reaches the other instance's local copy
     * over the sync: without the message, that copy would keep answering (it never expires).
     */
    @Test
    void anInvalidationReachesTheMasterAndAnotherInstancesLocalCache() throws InterruptedException {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        store(a, "p2", "coffee", "product:2");
        store(a, "p3", "cocoa", "product:3");
        assertThat(b.get(ItemKey.of("p2")).value()).isEqualTo("coffee");       // now held in b's local cache
        assertThat(b.get(ItemKey.of("p3")).value()).isEqualTo("cocoa");
        long applied = b.localCacheSync().status().operationsApplied();

        a.invalidate("p2");
        assertThat(onTheMaster("p2")).as("gone from the master when invalidate returns").isFalse();
        await().atMost(Duration.ofSeconds(1)).until(() -> b.get(ItemKey.of("p2")) == null);

        a.invalidateDependency("product:3");
        assertThat(onTheMaster("p3")).isFalse();
        await().atMost(Duration.ofSeconds(1)).until(() -> b.get(ItemKey.of("p3")) == null);
        assertThat(b.localCacheSync().status().operationsApplied() - applied)
                .as("both reached b's local cache as messages").isEqualTo(2);
    }

    /** A process without a cache invalidates the shared level and every local cache, through the sentinel too. */
    @Test
    void aPublisherThroughTheSentinelInvalidatesTheMasterAndEveryLocalCache() throws Exception {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        store(a, "p4", "chai", "product:4");
        assertThat(b.get(ItemKey.of("p4")).value()).isEqualTo("chai");

        InvalidationPublisher feed = RedisCachingBackend.publisher(sentinel.uri(),
                RedisCachingBackendOptions.builder().keyPrefix(prefix).build());
        closeables.add(feed);
        feed.invalidateDependency("product:4");

        assertThat(onTheMaster("p4")).isFalse();
        await().atMost(Duration.ofSeconds(1)).until(() -> a.get(ItemKey.of("p4")) == null
                && b.get(ItemKey.of("p4")) == null);
    }
}
