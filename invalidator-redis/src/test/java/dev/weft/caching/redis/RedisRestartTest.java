package dev.weft.caching.redis;

import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.testing.jvm.JvmProcess;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults: redis-server is killed (SIGKILL) while both instances run, then restarted on the same port. Both
 * resubscribe, clear their cache before serving again, and invalidations flow again.
 */
class RedisRestartTest {

    RedisServerProcess redis;
    RedisFixture fixture;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.start();
        fixture = new RedisFixture();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        redis.close();
    }

    @Test
    void afterRedisRestartsBothInstancesResubscribeClearAndSyncAgain() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri());
        ProductCatalog here = new ProductCatalog();
        JvmProcess there = fixture.peer(redis.uri());
        here.database.put(1L, "tea");
        there.request("DB 1 tea", RedisFixture.TIMEOUT);
        here.getProduct(1);
        there.request("GET 1", RedisFixture.TIMEOUT);
        int callsBefore = here.sourceCalls.get();

        redis.kill();
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().state()
                == InvalidatorStatus.State.DISCONNECTED);
        assertThat(invalidator.status().bypassingCache()).as("SERVE_LOCAL, within the staleness bound").isFalse();
        assertThat(here.getProduct(1)).as("served locally while Redis is down").isEqualTo("tea");
        assertThat(here.sourceCalls.get()).isEqualTo(callsBefore);

        redis.restart();
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().subscriptions() == 2);
        await().atMost(RedisFixture.TIMEOUT)
                .until(() -> there.request("STATUS", RedisFixture.TIMEOUT).startsWith("CONNECTED 2 "));
        assertThat(invalidator.status().connected()).isTrue();

        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("the cache was cleared on resubscription").isEqualTo(callsBefore + 1);
        String peerCalls = there.request("CALLS", RedisFixture.TIMEOUT);
        there.request("GET 1", RedisFixture.TIMEOUT);
        assertThat(there.request("CALLS", RedisFixture.TIMEOUT))
                .as("the peer's cache was cleared too").isEqualTo(String.valueOf(Integer.parseInt(peerCalls) + 1));

        here.database.put(1L, "green tea");
        there.request("RENAME 1 green tea", RedisFixture.TIMEOUT);
        await().atMost(Duration.ofSeconds(1)).until(() -> here.getProduct(1).equals("green tea"));
    }

    @Test
    void bypassCacheCallsTheSourceWhileDisconnectedAndCachesAgainOnceBack() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri(),
                RedisCacheInvalidatorOptions.builder().whileDisconnected(WhileDisconnected.BYPASS_CACHE));
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(1);

        redis.kill();
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().bypassingCache());
        here.getProduct(1);
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("every call went to the source").isEqualTo(4);

        redis.restart();
        assertThat(invalidator.awaitConnected(RedisFixture.TIMEOUT)).isTrue();
        here.getProduct(1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).as("cached again").isEqualTo(5);
    }

    @Test
    void serveLocalStopsServingAfterTheStalenessBound() throws Exception {
        CacheInvalidator invalidator = fixture.local(redis.uri(), RedisCacheInvalidatorOptions.builder()
                .maxStalenessWhileDisconnected(Duration.ofMillis(200)));
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        redis.kill();
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().bypassingCache());
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }
}
