package dev.weft.caching.redis.backend;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.testing.history.HistoryRecorder;
import dev.weft.testing.history.StalenessChecker;
import dev.weft.testing.history.Workload;
import dev.weft.testing.process.TestDirectories;
import dev.weft.testing.redis.RedisSentinelProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Sentinel failover under load: a master, one replica and one sentinel (quorum 1, {@code down-after} 1 s), two
 * instances with both levels created from the sentinel URI, each reading and writing a few keys (a write changes the
 * "database" then invalidates through its instance), every operation recorded. The master is killed with SIGKILL; the
 * sentinel promotes the replica. Then:
 * <ol>
 *   <li>every call succeeded throughout, none slower than {@link #CALL_BOUND} (Redis down is slower, never failed);</li>
 *   <li>within {@link #RESYNC_BOUND} of the promotion, both syncs are subscribed on the new master and an invalidation
 *       made through one instance reaches the new master and the other instance's local cache;</li>
 *   <li>no read returned a value older than a write (an invalidation) that completed more than
 *       {@link #STALENESS_BOUND} before the read started ({@link StalenessChecker});</li>
 *   <li>a value stored after the failover by one instance is read back from Redis (the new master) by the other.</li>
 * </ol>
 */
class SentinelFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(SentinelFailoverTest.class);

    /** The sentinel's {@code down-after-milliseconds}: how long the master must be silent before the failover. */
    static final Duration DOWN_AFTER = Duration.ofSeconds(1);
    /** The syncs' {@code maxStalenessWhileDisconnected}: how long a disconnected instance serves its local cache. */
    static final Duration SERVE_LOCAL_WHILE_DISCONNECTED = Duration.ofSeconds(2);
    /** From the promotion to both instances using the new master for both levels. */
    static final Duration RESYNC_BOUND = Duration.ofSeconds(5);
    /**
     * What a read may miss of an invalidation completed before it started: the local cache served while the sync is
     * down, plus a loaded machine's slack for a message in flight.
     */
    static final Duration STALENESS_BOUND = SERVE_LOCAL_WHILE_DISCONNECTED.plusSeconds(1);
    /** The slowest call allowed: one command timeout (300 ms here) and the machine's slack. */
    static final Duration CALL_BOUND = Duration.ofMillis(1_500);

    static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"};

    RedisServerProcess master;
    RedisServerProcess replica;
    RedisSentinelProcess sentinel;
    final List<AutoCloseable> closeables = new ArrayList<>();
    String prefix;
    /** The source of truth the cached reads load from: a version per key, which only grows. */
    final Map<String, AtomicLong> database = new ConcurrentHashMap<>();
    final AtomicLong failedCalls = new AtomicLong();
    final LongAccumulator slowestCallNanos = new LongAccumulator(Math::max, 0);

    @BeforeEach
    void start() {
        master = RedisServerProcess.start();
        closeables.add(master);
        replica = RedisServerProcess.builder().replicaOf(master).start();
        closeables.add(replica);
        sentinel = RedisSentinelProcess.builder(master).replica(replica).downAfter(DOWN_AFTER)
                .failoverTimeout(Duration.ofSeconds(3)).start();
        closeables.add(sentinel);
        prefix = "f" + UUID.randomUUID().toString().substring(0, 8) + ":";
        for (String key : KEYS) {
            database.put(key, new AtomicLong(1));
        }
        database.put("kept", new AtomicLong(1));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    RedisCachingBackend instance() throws InterruptedException {
        return instance(RedisCachingBackendOptions.DEFAULT_RETRY_INTERVAL);
    }

    /** An instance with both levels through the sentinel, whose circuit tries Redis again every {@code retry}. */
    RedisCachingBackend instance(Duration retry) throws InterruptedException {
        RedisCachingBackend b = RedisCachingBackend.create(sentinel.uri(), RedisCachingBackendOptions.builder()
                .keyPrefix(prefix)
                .localCache(MemoryCachingBackend.create())
                .localCacheSync(RedisCacheInvalidatorOptions.builder()
                        .channel(prefix + "invalidation")
                        .maxStalenessWhileDisconnected(SERVE_LOCAL_WHILE_DISCONNECTED)
                        .build())
                .commandTimeout(Duration.ofMillis(300))
                .retryInterval(retry)
                .build());
        closeables.add(b);
        assertThat(b.awaitConnected(Duration.ofSeconds(10))).as("its sync subscribed through the sentinel").isTrue();
        return b;
    }

    /** A cached read, as the woven method does it: the cache, else a load from the database stored under a token. */
    long read(RedisCachingBackend instance, String key) {
        long start = System.nanoTime();
        try {
            ItemKey item = ItemKey.of(key);
            CacheItem hit = instance.get(item);
            if (hit != null) {
                return ((Number) hit.value()).longValue();
            }
            LoadToken token = instance.beginLoad(item);
            long version = database.get(key).get();
            instance.set(token, CacheItem.of(version, Expiration.NEVER, Set.of()));
            return version;
        } catch (RuntimeException e) {
            failedCalls.incrementAndGet();
            LOG.error("a read of {} failed", key, e);
            throw e;
        } finally {
            slowestCallNanos.accumulate(System.nanoTime() - start);
        }
    }

    /** A change of the database, then the invalidation of its key through {@code instance}. */
    long write(RedisCachingBackend instance, HistoryRecorder history, String key) {
        long start = System.nanoTime();
        try {
            long version = database.get(key).incrementAndGet();
            history.databaseChanged(key, version, System.nanoTime());
            instance.invalidate(key);
            return version;
        } catch (RuntimeException e) {
            failedCalls.incrementAndGet();
            LOG.error("a write of {} failed", key, e);
            throw e;
        } finally {
            slowestCallNanos.accumulate(System.nanoTime() - start);
        }
    }

    static void store(RedisCachingBackend b, String key, Object value) {
        LoadToken t = b.beginLoad(ItemKey.of(key));
        assertThat(b.set(t, CacheItem.of(value, Expiration.NEVER, Set.of()))).isTrue();
    }

    @Test
    void aFailoverToTheReplicaKeepsCallsSucceedingAndTheLocalCachesInSyncOnTheNewMaster() throws Exception {
        RedisCachingBackend a = instance();
        RedisCachingBackend b = instance();
        Path dir = TestDirectories.newDirectory("history", "sentinel-failover");
        HistoryRecorder historyA = new HistoryRecorder(dir.resolve("a.history"));
        HistoryRecorder historyB = new HistoryRecorder(dir.resolve("b.history"));
        closeables.add(historyA);
        closeables.add(historyB);
        for (String key : KEYS) {   // both levels populated, in both instances
            read(a, key);
            read(b, key);
        }
        Workload onA = new Workload(KEYS, key -> read(a, key), key -> write(a, historyA, key), historyA);
        Workload onB = new Workload(KEYS, key -> read(b, key), key -> write(b, historyB, key), historyB);
        onA.start(500, 40);
        onB.start(500, 70);
        await().atMost(Duration.ofSeconds(5)).until(() -> new StalenessChecker()
                .add("a", dir.resolve("a.history"), Long.MAX_VALUE).readCount() > 200);

        master.kill();
        long killed = System.nanoTime();
        InetSocketAddress promoted = InetSocketAddress.createUnresolved("127.0.0.1", replica.port());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> promoted.equals(sentinel.masterAddress()));
        long failedOver = System.nanoTime();
        assertThat(replica.role()).as("the replica promoted").isEqualTo("master");
        LOG.info("the sentinel named the replica master {} ms after the kill", millis(failedOver - killed));

        // (2) both instances use the new master again, for the Redis level and for the sync
        await().atMost(RESYNC_BOUND).pollInterval(Duration.ofMillis(20)).until(() ->
                a.status().redisAvailable() && b.status().redisAvailable()
                        && a.localCacheSync().status().connected() && b.localCacheSync().status().connected());
        long resynced = System.nanoTime();
        LOG.info("both instances back on the new master {} ms after the promotion", millis(resynced - failedOver));

        RedisClient direct = RedisClient.create(replica.uri());
        try (StatefulRedisConnection<String, String> newMaster = direct.connect()) {
            assertThat(newMaster.sync().pubsubNumsub(prefix + "invalidation"))
                    .as("both syncs subscribed on the new master")
                    .containsEntry(prefix + "invalidation", 2L);
            store(a, "probe", "tea");
            assertThat(b.get(ItemKey.of("probe")).value()).isEqualTo("tea");
            assertThat(b.localLevel().get(ItemKey.of("probe"))).as("now in b's local cache").isNotNull();
            long applied = b.localCacheSync().status().operationsApplied();
            a.invalidate("probe");
            assertThat(newMaster.sync().exists(prefix + "{0}:e:probe")).as("gone from the new master").isZero();
            await().atMost(Duration.ofSeconds(1)).until(() -> b.localLevel().get(ItemKey.of("probe")) == null);
            assertThat(b.localCacheSync().status().operationsApplied()).as("as a message").isGreaterThan(applied);
            assertThat(Duration.ofNanos(System.nanoTime() - failedOver)).isLessThan(RESYNC_BOUND);

            // (4) a value stored after the failover reaches the other instance through the new master
            long hits = a.status().hits();
            store(b, "fresh", "coffee");
            assertThat(newMaster.sync().exists(prefix + "{0}:e:fresh")).as("stored on the new master").isOne();
            assertThat(a.get(ItemKey.of("fresh")).value()).isEqualTo("coffee");
            assertThat(a.status().hits()).as("read from Redis").isEqualTo(hits + 1);
        } finally {
            direct.shutdown();
        }

        // let the workloads run past the bound after the resync, so that late stale reads would show
        long until = resynced + STALENESS_BOUND.toNanos();
        await().atMost(STALENESS_BOUND.plusSeconds(2)).until(() -> System.nanoTime() - until >= 0);
        onA.stop();
        onB.stop();

        // (1) nothing failed, nothing waited long
        LOG.info("workloads (reads writes failures): a {}, b {}; slowest call {} ms", onA.counts(), onB.counts(),
                millis(slowestCallNanos.get()));
        assertThat(failedCalls.get()).as("calls that failed").isZero();
        assertThat(Duration.ofNanos(slowestCallNanos.get())).as("the slowest call").isLessThan(CALL_BOUND);

        // (3) no read missed an invalidation completed more than the bound before it
        StalenessChecker.Report report = new StalenessChecker()
                .add("a", dir.resolve("a.history"), Long.MAX_VALUE)
                .add("b", dir.resolve("b.history"), Long.MAX_VALUE)
                .check(STALENESS_BOUND);
        LOG.info("staleness: {}", report);
        assertThat(report.writes()).as("writes recorded").isGreaterThan(50);
        assertThat(report.reads()).as("reads recorded").isGreaterThan(1_000);
        assertThat(report.violations()).as(report.toString()).isEmpty();
        assertThat(report.readsPastTheBound()).isZero();
    }

    /**
     * An instance whose Redis level comes back later than another's (a longer retry interval here; a network path
     * to the new master that heals later, in general) has kept an invalidation made while the master was gone. Until
     * it applies it, the new master (a replica of the old one) still holds the old value, and the instance that is
     * back reads it from there into its local cache. Once the invalidation is applied to Redis, it must reach that
     * local cache too. Fails without the fix (L2Store's probe telling the local levels again, after Redis, about
     * each invalidation it applies): the message sent while Redis was unreachable had arrived before the old value
     * was read back, so the local copy stayed, and never expires.
     */
    @Test
    void anInvalidationKeptWhileTheMasterWasGoneReachesTheLocalCachesOnceAppliedToTheNewMaster() throws Exception {
        RedisCachingBackend late = instance(Duration.ofSeconds(6));
        RedisCachingBackend early = instance(Duration.ofMillis(100));
        read(late, "kept");
        assertThat(read(early, "kept")).isEqualTo(1);
        RedisClient direct = RedisClient.create(replica.uri());
        try (StatefulRedisConnection<String, String> newMaster = direct.connect()) {
            String entry = prefix + "{0}:e:kept";
            await().atMost(Duration.ofSeconds(5)).until(() -> newMaster.sync().exists(entry) == 1);

            long appliedBefore = early.localCacheSync().status().operationsApplied();
            master.kill();
            database.get("kept").incrementAndGet();
            late.invalidate("kept");   // Redis unreachable: kept; its sync publishes a 'clear' when it can
            assertThat(late.status().pendingInvalidations()).isOne();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                    InetSocketAddress.createUnresolved("127.0.0.1", replica.port()).equals(sentinel.masterAddress()));
            await().atMost(RESYNC_BOUND).pollInterval(Duration.ofMillis(20)).until(() ->
                    early.status().redisAvailable() && early.localCacheSync().status().connected()
                            && late.localCacheSync().status().connected());
            assertThat(late.status().redisAvailable()).as("the late instance is not back yet").isFalse();
            assertThat(newMaster.sync().exists(entry)).as("the old value, still on the new master").isOne();
            // the late instance's sync tells the others what it could not send (as a 'clear'), now that it is
            // subscribed again; then the early instance reads the old value from Redis into its local cache, as any
            // caller would meanwhile
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    early.localCacheSync().status().operationsApplied() > appliedBefore);
            assertThat(read(early, "kept")).isEqualTo(1);
            assertThat(early.localLevel().get(ItemKey.of("kept"))).isNotNull();

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> late.status().redisAvailable());
            assertThat(newMaster.sync().exists(entry)).as("applied to the new master").isZero();
            await().atMost(Duration.ofSeconds(1)).until(() -> read(early, "kept") == 2);
        } finally {
            direct.shutdown();
        }
        assertThat(failedCalls.get()).isZero();
    }

    static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
