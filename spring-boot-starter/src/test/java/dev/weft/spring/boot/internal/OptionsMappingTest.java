package dev.weft.spring.boot.internal;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.credential.TokenCredential;
import dev.weft.caching.azure.AzureCacheInvalidatorOptions;
import dev.weft.caching.azure.SubscriptionStrategy;
import dev.weft.caching.invalidation.OnMessageLoss;
import dev.weft.caching.invalidation.PublishMode;
import dev.weft.caching.invalidation.WhileDisconnected;
import dev.weft.caching.redis.RedisCacheInvalidatorOptions;
import dev.weft.spring.boot.AzureInvalidatorProperties;
import dev.weft.spring.boot.RedisInvalidatorProperties;
import dev.weft.spring.boot.WeftProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every {@code weft.redis.*} and {@code weft.azure.*} property reaches its option, and the defaults are Weft's. */
class OptionsMappingTest {

    static WeftProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("weft", WeftProperties.class);
    }

    @Test
    void unsetPropertiesGiveWeftsDefaults() {
        WeftProperties p = bind(Map.of());
        RedisCacheInvalidatorOptions redis = RedisInvalidatorFactory.options(p.getRedis(), List.of());
        RedisCacheInvalidatorOptions redisDefaults = RedisCacheInvalidatorOptions.defaults();
        // the builders keep 0 for "the transport's limit"; the properties show the limit itself
        assertThat(redis).usingRecursiveComparison().ignoringFields("maxMessageBytes").isEqualTo(redisDefaults);
        assertThat(redis.maxMessageBytes()).isEqualTo(redisDefaults.maxMessageBytes());

        p.getAzure().setConnectionString("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;"
                + "SharedAccessKey=a2V5;EntityPath=t");
        p.getAzure().getSubscription().setStrategy(AzureInvalidatorProperties.Strategy.AUTO_CREATE);
        AzureCacheInvalidatorOptions azure = AzureInvalidatorFactory.options(p.getAzure(), null, List.of());
        AzureCacheInvalidatorOptions azureDefaults = AzureCacheInvalidatorOptions.builder()
                .connectionString(p.getAzure().getConnectionString()).subscription(SubscriptionStrategy.autoCreate())
                .build();
        assertThat(azure).usingRecursiveComparison().ignoringFields("maxMessageBytes").isEqualTo(azureDefaults);
        assertThat(azure.maxMessageBytes()).isEqualTo(azureDefaults.maxMessageBytes());
    }

    @Test
    void everyRedisPropertyReachesItsOption() {
        RedisInvalidatorProperties p = bind(Map.ofEntries(
                Map.entry("weft.redis.channel", "c"),
                Map.entry("weft.redis.publish-mode", "fire-and-forget"),
                Map.entry("weft.redis.publish-timeout", "2s"),
                Map.entry("weft.redis.while-disconnected", "bypass-cache"),
                Map.entry("weft.redis.max-staleness-while-disconnected", "7s"),
                Map.entry("weft.redis.on-message-loss", "log-only"),
                Map.entry("weft.redis.reorder-window", "50ms"),
                Map.entry("weft.redis.max-message-bytes", "4096"),
                Map.entry("weft.redis.max-pending-operations", "10"),
                Map.entry("weft.redis.instance-id-prefix", "shop"),
                Map.entry("weft.redis.heartbeat-interval", "1500ms"),
                Map.entry("weft.redis.message-authentication-key", "a text key of thirty-two bytes!!"),
                Map.entry("weft.redis.require-connection-at-start", "false"))).getRedis();
        RedisCacheInvalidatorOptions o = RedisInvalidatorFactory.options(p, List.of());
        assertThat(o.channel()).isEqualTo("c");
        assertThat(o.publishMode()).isEqualTo(PublishMode.FIRE_AND_FORGET);
        assertThat(o.publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.whileDisconnected()).isEqualTo(WhileDisconnected.BYPASS_CACHE);
        assertThat(o.maxStalenessWhileDisconnected()).isEqualTo(Duration.ofSeconds(7));
        assertThat(o.onMessageLoss()).isEqualTo(OnMessageLoss.LOG_ONLY);
        assertThat(o.reorderWindow()).isEqualTo(Duration.ofMillis(50));
        assertThat(o.maxMessageBytes()).isEqualTo(4096);
        assertThat(o.maxPendingOperations()).isEqualTo(10);
        assertThat(o.instanceIdPrefix()).isEqualTo("shop");
        assertThat(o.heartbeatInterval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.messageAuthenticationKey()).isEqualTo(
                "a text key of thirty-two bytes!!".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(o.requireConnectionAtStart()).isFalse();
    }

    @Test
    void aBase64KeyIsDecodedAndWithoutAKeyNothingIsSigned() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        RedisInvalidatorProperties p = bind(Map.of("weft.redis.message-authentication-key",
                "base64:" + java.util.Base64.getEncoder().encodeToString(key))).getRedis();
        assertThat(RedisInvalidatorFactory.options(p, List.of()).messageAuthenticationKey()).isEqualTo(key);
        RedisCacheInvalidatorOptions none = RedisInvalidatorFactory.options(bind(Map.of()).getRedis(), List.of());
        assertThat(none.messageAuthenticationKey()).isNull();
        assertThat(none.heartbeatInterval()).as("Weft's default").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void everyAzurePropertyReachesItsOption() {
        AzureInvalidatorProperties p = bind(Map.ofEntries(
                Map.entry("weft.azure.fully-qualified-namespace", "shop.servicebus.windows.net"),
                Map.entry("weft.azure.topic", "cache"),
                Map.entry("weft.azure.subscription.strategy", "resource-manager"),
                Map.entry("weft.azure.subscription.create-topic-if-missing", "true"),
                Map.entry("weft.azure.resource-manager.subscription-id", "00000000-0000-0000-0000-000000000001"),
                Map.entry("weft.azure.resource-manager.resource-group", "shop-rg"),
                Map.entry("weft.azure.resource-manager.namespace", "shop"),
                Map.entry("weft.azure.message-time-to-live", "1m"),
                Map.entry("weft.azure.link-check-interval", "3s"),
                Map.entry("weft.azure.link-check-timeout", "2s"),
                Map.entry("weft.azure.start-timeout", "20s"),
                Map.entry("weft.azure.require-connection-at-start", "false"),
                Map.entry("weft.azure.retry.max-retries", "5"),
                Map.entry("weft.azure.retry.delay", "200ms"),
                Map.entry("weft.azure.retry.max-delay", "6s"),
                Map.entry("weft.azure.retry.try-timeout", "8s"),
                Map.entry("weft.azure.retry.mode", "fixed"),
                Map.entry("weft.azure.publish-mode", "fire-and-forget"),
                Map.entry("weft.azure.reorder-window", "1s"),
                Map.entry("weft.azure.max-message-bytes", "100000"),
                Map.entry("weft.azure.instance-id-prefix", "shop"))).getAzure();
        TokenCredential credential = context -> reactor.core.publisher.Mono.empty();
        AzureCacheInvalidatorOptions o = AzureInvalidatorFactory.options(p, credential, List.of());
        assertThat(o.fullyQualifiedNamespace()).isEqualTo("shop.servicebus.windows.net");
        assertThat(o.credential()).isSameAs(credential);
        assertThat(o.topic()).isEqualTo("cache");
        assertThat(o.subscription()).isEqualTo(SubscriptionStrategy.autoCreateWithResourceManager(
                "00000000-0000-0000-0000-000000000001", "shop-rg", "shop").createTopicIfMissing());
        assertThat(o.messageTimeToLive()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.linkCheckInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.linkCheckTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.startTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.requireConnectionAtStart()).isFalse();
        assertThat(o.retryOptions().getMaxRetries()).isEqualTo(5);
        assertThat(o.retryOptions().getDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(o.retryOptions().getMaxDelay()).isEqualTo(Duration.ofSeconds(6));
        assertThat(o.retryOptions().getTryTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(o.retryOptions().getMode()).isEqualTo(AmqpRetryMode.FIXED);
        assertThat(o.publishMode()).isEqualTo(PublishMode.FIRE_AND_FORGET);
        assertThat(o.reorderWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.maxMessageBytes()).isEqualTo(100_000);
        assertThat(o.instanceIdPrefix()).isEqualTo("shop");
    }

    @Test
    void strategyExistingNamesTheSubscription() {
        AzureInvalidatorProperties p = bind(Map.of("weft.azure.subscription.strategy", "existing",
                "weft.azure.subscription.name", "web-1")).getAzure();
        assertThat(SubscriptionProperties.strategy(p)).isEqualTo(SubscriptionStrategy.existing("web-1"));
    }
}
