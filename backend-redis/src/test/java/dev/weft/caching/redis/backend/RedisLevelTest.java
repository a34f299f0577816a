package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
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
 * The Redis level through the backend SPI, with backends that stand for instances sharing one redis-server: what one
 * stores the others read, invalidations made by any one fence every load they overlapped, and what Redis holds
 * expires as declared, dependency sets included.
 */
class RedisLevelTest {

    static RedisServerProcess redis;
    static RedisClient client;
    static RedisCommands<String, String> raw;
    final List<RedisCachingBackend> backends = new ArrayList<>();
    String prefix;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
        client = RedisClient.create(redis.uri());
        raw = client.connect().sync();
    }

    @AfterAll
    static void stopRedis() {
        client.shutdown();
        redis.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(RedisCachingBackend::close);
    }

    RedisCachingBackend instance() {
        RedisCachingBackend b = RedisCachingBackend.create(redis.uri(),
                RedisCachingBackendOptions.builder().keyPrefix(prefix).build());
        backends.add(b);
        return b;
    }

    static ItemKey key(String text) {
        return ItemKey.of(text);
    }

    static boolean store(RedisCachingBackend b, String key, Object value, Expiration e, String... deps) {
        LoadToken t = b.beginLoad(key(key));
        return b.set(t, CacheItem.of(value, e, Set.of(deps)));
    }

    @Test
    void whatOneInstanceStoresAnotherReads() {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        assertThat(store(a, "k1", List.of(1L, 2L), Expiration.NEVER, "dep:1")).isTrue();
        CacheItem item = b.get(key("k1"));
        assertThat(item).isNotNull();
        assertThat(item.value()).isEqualTo(List.of(1L, 2L));
        assertThat(item.dependencies()).containsExactly("dep:1");
        assertThat(b.status().hits()).isEqualTo(1);
    }

    /**
     * A change feed's invalidation reaches Redis and the local caches: with a plain invalidator publisher the local
     * cache would be invalidated and then read the old value back from Redis.
     */
    @Test
    void aPublisherInvalidatesRedisAndEveryLocalCache() throws InterruptedException {
        RedisCachingBackend twoLevel = RedisCachingBackend.create(redis.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix(prefix).localCache(dev.weft.caching.memory.MemoryCachingBackend.create()).build());
        backends.add(twoLevel);
        assertThat(twoLevel.awaitConnected(Duration.ofSeconds(10))).isTrue();
        store(twoLevel, "fed", "old", Expiration.NEVER, "product:1");
        assertThat(twoLevel.get(key("fed")).value()).isEqualTo("old");
        try (var feed = RedisCachingBackend.publisher(redis.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix(prefix).build())) {
            feed.invalidateDependency("product:1");
            assertThat(instance().get(key("fed"))).as("gone from Redis").isNull();
            await().atMost(Duration.ofSeconds(1)).until(() -> twoLevel.get(key("fed")) == null);
        }
    }

    /**
     * A result built on a value this instance holds locally (a nested cached call's key among its dependencies) is
     * kept out of Redis when one of its dependencies was invalidated within the propagation grace before the load
     * began: the local copy may not have applied that invalidation yet. A result that read nothing locally is shared.
     */
    @Test
    void aResultBuiltOnALocallyHeldValueIsKeptOutOfRedisRightAfterAnInvalidation() throws InterruptedException {
        RedisCachingBackend twoLevel = RedisCachingBackend.create(redis.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix(prefix).localCache(dev.weft.caching.memory.MemoryCachingBackend.create()).build());
        backends.add(twoLevel);
        assertThat(twoLevel.awaitConnected(Duration.ofSeconds(10))).isTrue();
        store(twoLevel, "inner", "held here", Expiration.NEVER, "dep:x");
        instance().invalidateDependency("dep:y");            // elsewhere, a moment ago

        LoadToken outer = twoLevel.beginLoad(key("outer"));
        assertThat(twoLevel.set(outer, CacheItem.of("built on inner", Expiration.NEVER, Set.of("inner", "dep:y"))))
                .as("stored locally").isTrue();
        assertThat(twoLevel.status().writesHeldBack()).isEqualTo(1);
        assertThat(instance().get(key("outer"))).as("not in Redis").isNull();

        LoadToken direct = twoLevel.beginLoad(key("direct"));
        assertThat(twoLevel.set(direct, CacheItem.of("from the source", Expiration.NEVER, Set.of("dep:y")))).isTrue();
        assertThat(instance().get(key("direct"))).as("read nothing locally: shared").isNotNull();
    }

    @Test
    void nullAndEmptyOptionalAreStoredNotMissed() {
        RedisCachingBackend a = instance();
        store(a, "null", null, Expiration.NEVER);
        store(a, "empty", java.util.Optional.empty(), Expiration.NEVER);
        RedisCachingBackend b = instance();
        assertThat(b.get(key("null"))).isNotNull().extracting(CacheItem::value).isNull();
        assertThat(b.get(key("empty")).value()).isEqualTo(java.util.Optional.empty());
    }

    @Test
    void aLoadOverlappedByAnInvalidationOnAnotherInstanceIsNotStored() {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        LoadToken slow = a.beginLoad(key("k2"));
        b.invalidate("k2");
        assertThat(a.isStale(slow, null)).isTrue();
        assertThat(a.set(slow, CacheItem.of("old", Expiration.NEVER, Set.of()))).isFalse();
        assertThat(instance().get(key("k2"))).as("a fresh instance does not get the old value").isNull();
        assertThat(a.status().writesRefused()).isEqualTo(1);
    }

    @Test
    void aLoadOverlappedByAnInvalidationOfItsDependencyIsNotStored() {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        LoadToken slow = a.beginLoad(key("k3"));
        b.invalidateDependency("product:3");
        assertThat(a.isStale(slow, Set.of("product:4"))).isFalse();
        assertThat(a.isStale(slow, Set.of("product:3"))).isTrue();
        assertThat(a.set(slow, CacheItem.of("old", Expiration.NEVER, Set.of("product:3")))).isFalse();
        assertThat(instance().get(key("k3"))).isNull();
        // the same load with another dependency would have been stored
        LoadToken other = a.beginLoad(key("k3"));
        assertThat(a.set(other, CacheItem.of("new", Expiration.NEVER, Set.of("product:3")))).isTrue();
    }

    @Test
    void aLoadOverlappedByAClearIsNotStored() {
        RedisCachingBackend a = instance();
        LoadToken slow = a.beginLoad(key("k4"));
        instance().clear();
        assertThat(a.set(slow, CacheItem.of("old", Expiration.NEVER, Set.of()))).isFalse();
    }

    @Test
    void invalidationsRemoveEntriesAndTheirDependentsForEveryInstance() {
        RedisCachingBackend a = instance();
        store(a, "p5", "five", Expiration.NEVER, "product:5");
        store(a, "page", "page with five", Expiration.NEVER, "p5", "product:5");
        store(a, "p6", "six", Expiration.NEVER, "product:6");
        RedisCachingBackend b = instance();
        b.invalidate("p5");
        RedisCachingBackend c = instance();
        assertThat(c.get(key("p5"))).isNull();
        assertThat(c.get(key("page"))).as("it carried p5").isNull();
        assertThat(c.get(key("p6"))).isNotNull();
        b.invalidateDependency("product:6");
        assertThat(c.get(key("p6"))).isNull();
        store(a, "p7", "seven", Expiration.NEVER);
        b.clear();
        assertThat(c.get(key("p7"))).isNull();
        assertThat(raw.keys(prefix + "*")).as("only counters, epochs and marks are left")
                .allMatch(k -> k.endsWith(":seq") || k.endsWith(":ep") || k.contains(":m:") || k.endsWith(":clr"));
    }

    @Test
    void anEntryLivesInRedisForItsExpirationPlusItsFailSafePeriod() {
        RedisCachingBackend a = instance();
        Expiration e = Expiration.of(Duration.ofMillis(300), null, Duration.ofMillis(700), null);
        store(a, "fs", "value", e, "product:8");
        Long ttl = raw.pttl(prefix + "{0}:e:fs");
        assertThat(ttl).isBetween(800L, 1000L);
        RedisCachingBackend b = instance();
        assertThat(b.read(key("fs")).state()).isEqualTo(ItemRead.State.FRESH);
        await().atMost(Duration.ofSeconds(2)).until(() -> b.get(key("fs")) == null);
        ItemRead stale = b.read(key("fs"));
        assertThat(stale.state()).as("expired, inside its fail-safe period").isEqualTo(ItemRead.State.STALE);
        assertThat(b.read(key("fs")).item()).as("the same item, for the load path's identity check")
                .isSameAs(stale.item());
        await().atMost(Duration.ofSeconds(2)).until(() -> b.read(key("fs")) == null);
        await().atMost(Duration.ofSeconds(2)).until(() -> raw.keys(prefix + "{0}:d:*").isEmpty()
                && raw.keys(prefix + "{0}:e:*").isEmpty());
        assertThat(raw.exists(prefix + "{0}:idx")).as("the index went with its last entry").isZero();
    }

    @Test
    void aSlidingExpirationMovesOnEachReadFromRedis() {
        RedisCachingBackend a = instance();
        long stored = System.nanoTime();
        store(a, "sl", "value", Expiration.of(null, Duration.ofMillis(1000)), "product:9");
        RedisCachingBackend b = instance();
        // time is what this test is about: it waits for the clock, not for a sleep to pass
        await().until(() -> System.nanoTime() - stored > Duration.ofMillis(600).toNanos());
        assertThat(b.get(key("sl"))).as("read within its sliding expiration").isNotNull();
        assertThat(raw.pttl(prefix + "{0}:e:sl")).as("moved by the read").isGreaterThan(800L);
        assertThat(raw.pttl(prefix + "{0}:d:product:9")).as("its dependency set moves with it").isGreaterThan(800L);
        await().until(() -> System.nanoTime() - stored > Duration.ofMillis(1200).toNanos());
        assertThat(b.get(key("sl"))).as("past the first expiration, kept by the read").isNotNull();
        await().atMost(Duration.ofSeconds(3)).until(() -> raw.exists(prefix + "{0}:e:sl") == 0);
    }

    @Test
    void anEagerRefreshIsOfferedToOneReaderOfTheFleet() {
        RedisCachingBackend a = instance();
        store(a, "er", "value", Expiration.of(Duration.ofSeconds(10), null, null, Duration.ofMillis(200)));
        RedisCachingBackend b = instance();
        RedisCachingBackend c = instance();
        await().atMost(Duration.ofSeconds(2)).until(() -> b.get(key("er")) == null);
        ItemRead first = b.read(key("er"));
        ItemRead second = c.read(key("er"));
        assertThat(first.state()).isEqualTo(ItemRead.State.REFRESH);
        assertThat(second.state()).isEqualTo(ItemRead.State.FRESH);
    }

    @Test
    void dependencySetsForgetEntriesThatExpired() {
        RedisCachingBackend a = instance();
        for (int i = 0; i < 50; i++) {
            store(a, "short" + i, i, Expiration.of(Duration.ofMillis(100), null), "shared");
        }
        store(a, "long", "x", Expiration.of(Duration.ofSeconds(30), null), "shared");
        await().atMost(Duration.ofSeconds(2)).until(() -> raw.exists(prefix + "{0}:e:short49") == 0);
        store(a, "later", "y", Expiration.of(Duration.ofSeconds(30), null), "shared");
        assertThat(raw.zcard(prefix + "{0}:d:shared")).as("expired members are pruned on the next store").isEqualTo(2);
        assertThat(raw.pttl(prefix + "{0}:d:shared")).isPositive().isLessThanOrEqualTo(30_000L);
    }
}
