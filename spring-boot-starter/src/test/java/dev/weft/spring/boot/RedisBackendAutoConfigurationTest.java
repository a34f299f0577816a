package dev.weft.spring.boot;

import dev.weft.caching.CachingServices;
import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.Expiration;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.redis.backend.RedisCachingBackend;
import dev.weft.testing.redis.RedisServerProcess;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static dev.weft.spring.boot.WeftContextRunner.assertStartFailsNaming;
import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code weft.redis.l2.enabled=true} against a real redis-server: the two-level backend, its health and meters. */
class RedisBackendAutoConfigurationTest {

    static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void theRedisBackendOverTheMemoryBackendBecomesTheDefaultBackend() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.channel=boot:sync", "weft.redis.l2.enabled=true", "weft.redis.l2.key-prefix=boot:",
                        "weft.redis.l2.allowed-packages=dev.weft.spring.boot",
                        "weft.redis.l2.distributed-single-flight=true")
                .run(context -> {
                    RedisCachingBackend backend = context.getBean(RedisCachingBackend.class);
                    assertThat(CachingServices.getDefaultBackend()).isSameAs(backend);
                    assertThat(backend.options().keyPrefix()).isEqualTo("boot:");
                    assertThat(backend.options().distributedSingleFlight()).isTrue();
                    CacheInvalidator sync = context.getBean(CacheInvalidator.class);
                    assertThat(sync).isSameAs(backend.localCacheSync());
                    assertThat(sync.awaitConnected(Duration.ofSeconds(10))).isTrue();
                    assertThat(sync.status().details()).containsEntry("channel", "boot:sync");

                    LoadToken t = backend.beginLoad(ItemKey.of("k"));
                    assertThat(backend.set(t, CacheItem.of("v", Expiration.NEVER, Set.of()))).isTrue();
                    assertThat(backend.status().writes()).isEqualTo(1);

                    BootLine.HealthView redisLevel = BootLine.redisLevelHealth(context);
                    assertThat(redisLevel.status()).isEqualTo("UP");
                    assertThat(redisLevel.details()).containsEntry("redisAvailable", true)
                            .containsEntry("writes", 1L);
                    assertThat(BootLine.weftHealth(context).status()).isEqualTo("UP");

                    SimpleMeterRegistry registry = new SimpleMeterRegistry();
                    context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(registry));
                    assertThat(registry.get("weft.l2.writes").tag("result", "stored").functionCounter().count())
                            .isEqualTo(1);
                    assertThat(registry.get("weft.l2.available").gauge().value()).isEqualTo(1);
                });
    }

    @Test
    void theBackendIsClosedAtShutdown() {
        RedisCachingBackend[] backend = new RedisCachingBackend[1];
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.l2.enabled=true")
                .run(context -> backend[0] = context.getBean(RedisCachingBackend.class));
        assertThat(backend[0].status().health()).isEqualTo(dev.weft.caching.redis.backend.RedisCachingBackendStatus
                .Health.CLOSED);
    }

    @Test
    void aJdkPackageInTheAllowListFailsTheStartNamingTheProperty() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.l2.enabled=true", "weft.redis.l2.allowed-packages=java.util")
                .run(context -> assertStartFailsNaming(context, "weft.redis.l2.allowed-packages"));
    }

    @Test
    void withoutL2ThePlainInvalidatorIsTheDefaultBackend() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri())
                .run(context -> {
                    assertThat(context).doesNotHaveBean(RedisCachingBackend.class);
                    assertThat(CachingServices.getDefaultBackend()).isSameAs(context.getBean(CacheInvalidator.class));
                });
    }
}
