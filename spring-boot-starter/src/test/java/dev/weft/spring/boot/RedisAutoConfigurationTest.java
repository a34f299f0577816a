package dev.weft.spring.boot;

import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidatorStatus;
import dev.weft.spring.boot.actuate.WeftEndpoint;
import dev.weft.testing.redis.RedisClusterProcess;
import dev.weft.testing.redis.RedisServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static dev.weft.spring.boot.WeftContextRunner.assertStartFailsNaming;
import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code weft.invalidator.type=redis} against a real redis-server. */
class RedisAutoConfigurationTest {

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
    void theUriConnectsAnInvalidatorThatBecomesTheDefaultBackend() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.channel=shop:weft", "management.endpoints.web.exposure.include=weft")
                .run(context -> {
                    CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
                    assertThat(CachingServices.getDefaultBackend()).isSameAs(invalidator);
                    assertThat(invalidator.awaitConnected(Duration.ofSeconds(10))).isTrue();
                    assertThat(invalidator.status().details()).containsEntry("channel", "shop:weft")
                            .containsEntry("clientOwnedByWeft", "true");
                    BootLine.HealthView health = BootLine.weftHealth(context);
                    assertThat(health.status()).isEqualTo("UP");
                    assertThat(health.details()).containsEntry("transport", "redis")
                            .containsEntry("channel", "shop:weft").containsKeys("messagesSent",
                                    "messagesReceived", "gapsDetected", "subscriptions");
                    assertThat(context.getBean(WeftEndpoint.class).weft().invalidator().state())
                            .isEqualTo("CONNECTED");
                });
    }

    @Test
    void theInvalidatorIsClosedAtShutdown() {
        CacheInvalidator[] invalidator = new CacheInvalidator[1];
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri())
                .run(context -> invalidator[0] = context.getBean(CacheInvalidator.class));
        assertThat(invalidator[0].status().state()).isEqualTo(InvalidatorStatus.State.CLOSED);
    }

    @Test
    void anApplicationsRedisClientIsUsedAndLeftOpen() {
        runner().withUserConfiguration(OwnRedisClient.class)
                .withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=redis://127.0.0.1:1")
                .run(context -> {
                    CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
                    assertThat(invalidator.awaitConnected(Duration.ofSeconds(10))).as("on the bean's client, not "
                            + "the unreachable uri").isTrue();
                    assertThat(invalidator.status().details()).containsEntry("clientOwnedByWeft", "false");
                });
        // the context closed the invalidator; the client is the application's and still works
        try (StatefulRedisConnection<String, String> c = OwnRedisClient.client.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        } finally {
            OwnRedisClient.client.shutdown();
        }
    }

    @Test
    void anApplicationsRedisClusterClientIsUsedAndLeftOpen() {
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            RedisClusterClient clusterClient = RedisClusterClient.create(
                    cluster.uris().stream().map(RedisURI::create).toList());
            try {
                runner().withBean(RedisClusterClient.class, () -> clusterClient, bean -> bean.setDestroyMethodName(""))
                        .withPropertyValues("weft.invalidator.type=redis")
                        .run(context -> {
                            CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
                            assertThat(invalidator.awaitConnected(Duration.ofSeconds(10))).isTrue();
                            assertThat(invalidator.status().details()).containsEntry("endpoint", "redis cluster")
                                    .containsEntry("clientOwnedByWeft", "false");
                        });
                try (var c = clusterClient.connect()) {
                    assertThat(c.sync().ping()).as("the application's client is still open").isEqualTo("PONG");
                }
            } finally {
                clusterClient.shutdown();
            }
        }
    }

    @Test
    void clusterNodesConnectAnInvalidatorOnTheCluster() {
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            runner().withPropertyValues("weft.invalidator.type=redis",
                            "weft.redis.cluster-nodes=" + String.join(",", cluster.uris()))
                    .run(context -> {
                        CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
                        assertThat(invalidator.awaitConnected(Duration.ofSeconds(10))).isTrue();
                        assertThat(invalidator.status().details().get("endpoint"))
                                .startsWith("redis cluster 127.0.0.1:" + cluster.nodes().get(0).port() + ",");
                        assertThat(invalidator.status().details()).containsEntry("clientOwnedByWeft", "true");
                    });
        }
    }

    @Test
    void bothUriAndClusterNodesFailTheStartNamingClusterNodes() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.cluster-nodes=" + redis.uri())
                .run(context -> assertStartFailsNaming(context, "weft.redis.cluster-nodes"));
    }

    @Test
    void anUnreachableClusterFailsTheStartNamingClusterNodes() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.cluster-nodes=redis://127.0.0.1:1")
                .run(context -> assertStartFailsNaming(context, "weft.redis.cluster-nodes"));
    }

    @Test
    void bothARedisClientAndARedisClusterClientBeanFailTheStart() {
        RedisClusterClient clusterClient = RedisClusterClient.create(RedisURI.create(redis.uri()));
        try {
            runner().withUserConfiguration(OwnRedisClient.class)
                    .withBean(RedisClusterClient.class, () -> clusterClient, bean -> bean.setDestroyMethodName(""))
                    .withPropertyValues("weft.invalidator.type=redis")
                    .run(context -> assertStartFailsNaming(context, "weft.redis.uri"));
        } finally {
            clusterClient.shutdown();
            if (OwnRedisClient.client != null) {
                OwnRedisClient.client.shutdown();
            }
        }
    }

    @Test
    void anUnreachableRedisFailsTheStartNamingTheUri() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=redis://127.0.0.1:1")
                .run(context -> assertStartFailsNaming(context, "weft.redis.uri"));
    }

    @Test
    void requireConnectionAtStartFalseStartsDisconnectedAndHealthIsDown() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=redis://127.0.0.1:1",
                        "weft.redis.require-connection-at-start=false", "weft.redis.while-disconnected=bypass-cache")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BootLine.HealthView health = BootLine.weftHealth(context);
                    assertThat(health.status()).isEqualTo("DOWN");
                    assertThat(health.details()).containsKey("reason").containsEntry("bypassingCache", true);
                });
    }

    @Test
    void aRedisInvalidatorCustomizerRunsAfterTheProperties() {
        runner().withPropertyValues("weft.invalidator.type=redis", "weft.redis.uri=" + redis.uri(),
                        "weft.redis.channel=from-properties")
                .withBean(RedisInvalidatorCustomizer.class, () -> options -> options.channel("from-customizer"))
                .run(context -> assertThat(context.getBean(CacheInvalidator.class).status().details())
                        .containsEntry("channel", "from-customizer"));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRedisClient {
        static RedisClient client;

        @Bean(destroyMethod = "")
        RedisClient redisClient() {
            client = RedisClient.create(redis.uri());
            return client;
        }
    }
}
