package dev.weft.caching.redis;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.ItemRead;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load path's read goes through the invalidator to the local backend: an expired item inside its fail-safe
 * period is visible to it (fail-safe, eager refresh), not only fresh ones. Fails without CacheInvalidator.read, whose
 * absence made the SPI's default answer from get(): fresh items only.
 */
class FailSafeBehindTheInvalidatorTest {

    RedisServerProcess redis;
    CacheInvalidator invalidator;

    @BeforeEach
    void start() throws InterruptedException {
        redis = RedisServerProcess.start();
        invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), redis.uri(),
                RedisCacheInvalidatorOptions.defaults());
        assertThat(invalidator.awaitConnected(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stop() {
        invalidator.close();
        redis.close();
    }

    @Test
    void anExpiredItemInsideItsFailSafePeriodReachesTheLoadPath() {
        ItemKey key = ItemKey.of("fail-safe");
        LoadToken t = invalidator.beginLoad(key);
        invalidator.set(t, CacheItem.of("kept", Expiration.of(Duration.ofMillis(50), null, Duration.ofHours(1),
                null), Set.of()));
        await().atMost(Duration.ofSeconds(2)).until(() -> invalidator.get(key) == null);
        ItemRead read = invalidator.read(key);
        assertThat(read).isNotNull();
        assertThat(read.state()).isEqualTo(ItemRead.State.STALE);
        assertThat(read.item().value()).isEqualTo("kept");
        invalidator.invalidate("fail-safe");
        assertThat(invalidator.read(key)).as("never an invalidated one").isNull();
    }
}
