package dev.weft.caching.redis;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.net.FreePorts;
import dev.weft.testing.redis.RedisSentinelProcess;
import dev.weft.testing.redis.RedisServerProcess;
import dev.weft.testing.redis.RedisTls;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The ways an application reaches Redis, and the errors it gets when it cannot. */
class ConnectionOptionsTest {

    RedisFixture fixture;

    @BeforeEach
    void start() {
        fixture = new RedisFixture();
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** Proves the invalidator is subscribed and publishing: a publish-only client's invalidation reaches it. */
    private void assertInvalidationsFlow(CacheInvalidator invalidator, InvalidationPublisher feed) {
        ProductCatalog here = new ProductCatalog();
        here.getProduct(1);
        feed.invalidateDependency("product:1");
        await().atMost(RedisFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived() >= 1);
        here.getProduct(1);
        assertThat(here.sourceCalls.get()).isEqualTo(2);
    }

    private RedisCacheInvalidatorOptions options() {
        return RedisCacheInvalidatorOptions.builder().channel(fixture.channel).build();
    }

    @Test
    void aPasswordInTheUriIsUsed() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret").start()) {
            CacheInvalidator invalidator = fixture.local(redis.uriWithCredentials());
            try (InvalidationPublisher feed = RedisCacheInvalidator.publisher(redis.uriWithCredentials(), options())) {
                assertInvalidationsFlow(invalidator, feed);
            }
        }
    }

    @Test
    void anAclUserAndPasswordInTheUriAreUsed() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.builder().aclUser("weft", "pw").start()) {
            assertThat(redis.uriWithCredentials()).contains("weft");
            CacheInvalidator invalidator = fixture.local(redis.uriWithCredentials());
            try (InvalidationPublisher feed = RedisCacheInvalidator.publisher(redis.uriWithCredentials(), options())) {
                assertInvalidationsFlow(invalidator, feed);
            }
        }
    }

    @Test
    void aWrongPasswordIsAConfigurationErrorThatNeverShowsThePassword() {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("s3cret").start()) {
            String wrong = "redis://:wrong-password@127.0.0.1:" + redis.port();
            assertThatThrownBy(() -> RedisCacheInvalidator.create(MemoryCachingBackend.create(), wrong, options()))
                    .isInstanceOf(CachingConfigurationException.class)
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("127.0.0.1:" + redis.port())
                    .hasMessageNotContaining("wrong-password");
        }
    }

    @Test
    void anUnreachableRedisIsAClearErrorAtStart() {
        int port = FreePorts.findFreePort();
        assertThatThrownBy(() -> RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                "redis://127.0.0.1:" + port, options()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("cannot connect to Redis at redis://127.0.0.1:" + port)
                .hasMessageContaining(fixture.channel)
                .hasMessageContaining("requireConnectionAtStart(false)");
    }

    @Test
    void anUnparseableUriIsAConfigurationErrorNamingItWithoutThePassword() {
        assertThatThrownBy(() -> RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                "http://user:topsecret@host", options()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("invalid Redis URI")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void withoutRequiringAConnectionAtStartItConnectsWhenRedisAppears() throws Exception {
        int port = FreePorts.findFreePort();
        CacheInvalidator invalidator = fixture.closeLater(RedisCacheInvalidator.create(MemoryCachingBackend.create(),
                "redis://127.0.0.1:" + port, RedisCacheInvalidatorOptions.builder().channel(fixture.channel)
                        .requireConnectionAtStart(false).build()));
        assertThat(invalidator.status().connected()).isFalse();
        try (RedisServerProcess redis = RedisServerProcess.builder().port(port).start()) {
            assertThat(invalidator.awaitConnected(Duration.ofSeconds(60))).isTrue();
        }
    }

    @Test
    void tlsWorksWithAClientTheApplicationConfigured() throws Exception {
        RedisTls tls = RedisTls.selfSigned();
        try (RedisServerProcess redis = RedisServerProcess.builder().tls(tls).start()) {
            assertThat(redis.uri()).startsWith("rediss://");
            RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .truststore(tls.truststore().toFile(), tls.truststorePassword()).build()).build());
            try {
                CacheInvalidator invalidator = RedisCacheInvalidator.create(MemoryCachingBackend.create(), client,
                        options());
                fixture.closeLater(invalidator);
                assertThat(invalidator.awaitConnected(RedisFixture.TIMEOUT)).isTrue();
                assertThat(invalidator.status().details()).containsEntry("clientOwnedByWeft", "false");
                try (InvalidationPublisher feed = RedisCacheInvalidator.publisher(client, options())) {
                    assertInvalidationsFlow(invalidator, feed);
                }
                invalidator.close();
                assertThat(client.connect().sync().ping()).as("the application's client stays open")
                        .isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void aSentinelUriFindsTheMaster() throws Exception {
        try (RedisServerProcess master = RedisServerProcess.start();
             RedisSentinelProcess sentinel = RedisSentinelProcess.start(master)) {
            assertThat(sentinel.uri()).startsWith("redis-sentinel://");
            CacheInvalidator invalidator = fixture.local(sentinel.uri());
            try (InvalidationPublisher feed = RedisCacheInvalidator.publisher(master.uri(), options())) {
                assertInvalidationsFlow(invalidator, feed);
            }
        }
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> RedisCacheInvalidatorOptions.builder().channel(" "))
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> RedisCacheInvalidatorOptions.builder().maxMessageBytes(10))
                .hasMessageContaining("maxMessageBytes").hasMessageContaining("10");
        assertThatThrownBy(() -> RedisCacheInvalidatorOptions.builder().publishTimeout(Duration.ZERO))
                .hasMessageContaining("publishTimeout");
        assertThatThrownBy(() -> RedisCacheInvalidatorOptions.builder().instanceIdPrefix("has space"))
                .hasMessageContaining("instanceIdPrefix");
        assertThatThrownBy(() -> RedisCacheInvalidatorOptions.builder().reorderWindow(Duration.ofMinutes(5)))
                .hasMessageContaining("reorderWindow");
    }
}
