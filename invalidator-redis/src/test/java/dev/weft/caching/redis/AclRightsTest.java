package dev.weft.caching.redis;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ACL rights docs/redis.md gives as enough, tested with exactly those rights on a real redis-server: an ACL user
 * with {@code resetchannels &shop:* -@all +subscribe +publish} keeps two instances in sync, and a publish-only client
 * reaches them. Without {@code +subscribe} the invalidator cannot start; without {@code +publish} it starts but its
 * invalidations never leave (counted as publish failures); a channel outside {@code &shop:*} is refused. (The page
 * once listed {@code +ping +hello +auth} too: on Redis 6.2 and 7.0 with Lettuce 7.7, Weft needs neither.)
 */
class AclRightsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static RedisServerProcess redis;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final String channel = "shop:weft-invalidation-" + UUID.randomUUID();

    @BeforeAll
    static void startRedisWithRestrictedUsers() {
        redis = RedisServerProcess.builder()
                .password("admin-secret")
                .config("user", "weft", "on", ">weft-pw", "resetchannels", "&shop:*", "-@all", "+subscribe",
                        "+publish")
                .config("user", "weft-no-publish", "on", ">pw", "resetchannels", "&shop:*", "-@all", "+subscribe")
                .config("user", "weft-no-subscribe", "on", ">pw", "resetchannels", "&shop:*", "-@all", "+publish")
                .start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private String uri(String user, String password) {
        return "redis://" + user + ":" + password + "@127.0.0.1:" + redis.port();
    }

    private RedisCacheInvalidatorOptions options(String onChannel) {
        return RedisCacheInvalidatorOptions.builder().channel(onChannel).publishTimeout(Duration.ofSeconds(2)).build();
    }

    private CacheInvalidator instance(String uri) throws InterruptedException {
        CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri,
                options(channel));
        resources.add(invalidator);
        assertThat(invalidator.awaitConnected(TIMEOUT)).as("subscribed").isTrue();
        return invalidator;
    }

    private InvalidationPublisher publisher(String uri) {
        InvalidationPublisher feed = RedisCacheInvalidator.publisher(uri, options(channel));
        resources.add(feed);
        return feed;
    }

    @Test
    void subscribeAndPublishOnTheChannelAreEnough() throws Exception {
        String uri = uri("weft", "weft-pw");
        CacheInvalidator a = instance(uri);
        CacheInvalidator b = instance(uri);
        InvalidationPublisher feed = publisher(uri);

        a.invalidate("dev.weft.Catalog.getProduct(1)");
        await().atMost(TIMEOUT).until(() -> b.status().operationsApplied() >= 1);
        feed.invalidateDependency("product:1");
        await().atMost(TIMEOUT).until(() -> a.status().operationsApplied() >= 1
                && b.status().operationsApplied() >= 2);

        assertThat(a.status().publishFailures()).isZero();
        assertThat(feed.status().publishFailures()).isZero();
    }

    @Test
    void withoutSubscribeTheInvalidatorCannotStartAndSaysWhy() {
        assertThatThrownBy(() -> RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                uri("weft-no-subscribe", "pw"), options(channel)))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("NOPERM")
                .hasMessageContaining("subscribe")
                .hasMessageContaining(channel)
                .hasMessageNotContaining("pw@");
    }

    @Test
    void withoutPublishInvalidationsNeverLeaveAndAreCountedAsPublishFailures() throws Exception {
        CacheInvalidator listener = instance(uri("weft", "weft-pw"));
        CacheInvalidator mute = instance(uri("weft-no-publish", "pw"));

        mute.invalidate("dev.weft.Catalog.getProduct(1)");

        await().atMost(TIMEOUT).until(() -> mute.status().publishFailures() >= 1);
        assertThat(mute.status().messagesSent()).isZero();
        assertThat(listener.status().messagesReceived()).isZero();
    }

    @Test
    void aChannelOutsideTheUsersPatternIsRefused() {
        String elsewhere = "orders:weft-invalidation-" + UUID.randomUUID();
        assertThatThrownBy(() -> RedisCacheInvalidator.create(MemoryCachingBackend.create(), uri("weft", "weft-pw"),
                options(elsewhere)))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("NOPERM")
                .hasMessageContaining(elsewhere);
    }
}
