package dev.weft.caching.redis.backend.fleet;

import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.caching.redis.backend.RedisCachingBackendStatus;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis down is slower, never failed: with redis-server killed, calls are answered from the local cache or by the
 * method body, the first within the command timeout (300 ms here) and the next ones without trying Redis (the
 * circuit); health is DEGRADED and it is counted. Once Redis is back, the Redis level works again.
 */
class RedisDownTest {

    /** What a call may take while Redis is down: one command timeout, plus a loaded machine's slack. */
    static final Duration FALLBACK_BOUND = Duration.ofMillis(300 + 700);

    RedisServerProcess redis;
    RedisCachingBackend backend;
    Catalog here;
    String prefix;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.start();
        prefix = "down-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        backend = FleetBackends.create(redis.uri(), prefix, true, false);
        CachingServices.setDefaultBackend(backend);
        here = new Catalog();
        here.database.put(1L, "tea");
        here.database.put(2L, "coffee");
    }

    @AfterEach
    void stop() {
        backend.close();
        redis.close();
    }

    static long millis(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void callsSucceedWithinTheFallbackBoundWhileRedisIsDownAndTheCacheWorksAgainAfterARestart() throws Exception {
        assertThat(here.getProduct(1)).isEqualTo("tea");
        assertThat(backend.status().health()).isEqualTo(RedisCachingBackendStatus.Health.UP);

        redis.kill();
        // the first call may pay one command timeout; then the circuit is open and no call tries Redis
        assertThat(millis(() -> assertThat(here.getProduct(2)).isEqualTo("coffee")))
                .isLessThan(FALLBACK_BOUND.toMillis());
        await().atMost(Duration.ofSeconds(5)).until(() -> !backend.status().redisAvailable());
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            long id = 10 + i;
            here.database.put(id, "item " + id);
            slowest = Math.max(slowest, millis(() -> assertThat(here.getProduct(id)).isEqualTo("item " + id)));
        }
        assertThat(slowest).as("no call waits for Redis while the circuit is open").isLessThan(150);
        assertThat(here.getProduct(1)).as("served by the local cache").isEqualTo("tea");
        RedisCachingBackendStatus down = backend.status();
        assertThat(down.health()).isEqualTo(RedisCachingBackendStatus.Health.DEGRADED);
        assertThat(down.bypassed()).isPositive();
        assertThat(down.circuitOpenings()).isEqualTo(1);

        redis.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> backend.status().health()
                == RedisCachingBackendStatus.Health.UP);
        here.database.put(3L, "cocoa");
        assertThat(here.getProduct(3)).isEqualTo("cocoa");
        try (RedisCachingBackend other = FleetBackends.create(redis.uri(), prefix, false, false)) {
            assertThat(other.get(ItemKey.of(Catalog.class.getName() + ".getProduct(3L)")).value())
                    .as("stored in Redis again").isEqualTo("cocoa");
        }
    }

    /**
     * An invalidation made while this instance cannot reach Redis is kept, and applied before this instance uses
     * Redis again: it never reads back a value it could not invalidate there. Redis is paused (CLIENT PAUSE), not
     * killed, so that it keeps the value.
     */
    @Test
    void anInvalidationThatCouldNotReachRedisIsAppliedBeforeRedisIsUsedAgain() {
        assertThat(here.getProduct(1)).isEqualTo("tea");
        RedisClient admin = RedisClient.create(redis.uri());
        try (var connection = admin.connect()) {
            connection.sync().clientPause(1500);
            here.rename(1, "green tea");          // cannot reach Redis: kept
            assertThat(backend.status().pendingInvalidations()).isEqualTo(1);
            assertThat(here.getProduct(1)).isEqualTo("green tea");
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.status().health()
                    == RedisCachingBackendStatus.Health.UP);
            assertThat(backend.status().pendingInvalidations()).isZero();
            try (RedisCachingBackend other = FleetBackends.create(redis.uri(), prefix, false, false)) {
                var item = other.get(ItemKey.of(Catalog.class.getName() + ".getProduct(1L)"));
                assertThat(item == null ? null : item.value()).as("the old value is gone from Redis")
                        .isNotEqualTo("tea");
            }
        } finally {
            admin.shutdown();
        }
    }
}
