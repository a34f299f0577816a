package dev.weft.caching.azure;

import dev.weft.caching.CachingConfigurationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options validate eagerly, name the bad value, and never show a key. */
class OptionsTest {

    static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    static final String CONNECTION_STRING =
            "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=" + KEY;

    @Test
    void theConnectionStringsEntityPathNamesTheTopicWhenTheOptionsDoNot() {
        AzureCacheInvalidatorOptions options = AzureCacheInvalidatorOptions.builder()
                .connectionString(CONNECTION_STRING + ";EntityPath=cache-invalidation").build();
        assertThat(options.topic()).isEqualTo("cache-invalidation");
        assertThat(options.fullyQualifiedNamespace()).isEqualTo("shop.servicebus.windows.net");
    }

    @Test
    void anEntityPathThatAgreesWithTheTopicIsFine() {
        assertThat(AzureCacheInvalidatorOptions.builder().topic("t")
                .connectionString(CONNECTION_STRING + ";EntityPath=t").build().topic()).isEqualTo("t");
    }

    @Test
    void anEntityPathThatConflictsWithTheTopicIsAConfigurationError() {
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder().topic("prices")
                .connectionString(CONNECTION_STRING + ";EntityPath=products").build())
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("topic \"prices\" conflicts with the connection string's EntityPath \"products\"")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void anEntityPathThatDiffersInCaseOnlyIsNamedAsSuch() {
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder().topic("Products")
                .connectionString(CONNECTION_STRING + ";EntityPath=products").build())
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("differ in case only");
    }

    @Test
    void withoutATopicBuildingIsAConfigurationError() {
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder().connectionString(CONNECTION_STRING).build())
                .isInstanceOf(CachingConfigurationException.class).hasMessageContaining("no topic");
    }

    @Test
    void exactlyOneWayToConnectIsRequired() {
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder().topic("t").build())
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("set connectionString(...) or fullyQualifiedNamespace(...)");
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder().topic("t").connectionString(CONNECTION_STRING)
                .fullyQualifiedNamespace("shop.servicebus.windows.net").build())
                .isInstanceOf(CachingConfigurationException.class).hasMessageContaining("not both");
    }

    @Test
    void aNamespaceWithoutACredentialIsValidAndNeedsNoCredentialUntilConnecting() {
        AzureCacheInvalidatorOptions options = AzureCacheInvalidatorOptions.builder()
                .fullyQualifiedNamespace("shop.servicebus.windows.net").topic("t").build();
        assertThat(options.credential()).isNull();
        assertThat(options.toString()).contains("DefaultAzureCredential");
    }

    @Test
    void aMalformedConnectionStringIsRejectedWithoutShowingTheKey() {
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder()
                .connectionString("Endpoint=sb://shop/;SharedAccessKey=" + KEY + ";Bogus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectionString is not a Service Bus connection string")
                .hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> AzureCacheInvalidatorOptions.builder()
                .connectionString("SharedAccessKeyName=app;SharedAccessKey=" + KEY))
                .hasMessageContaining("connectionString").hasMessageNotContaining(KEY);
    }

    @Test
    void toStringNeverShowsTheKey() {
        String text = AzureCacheInvalidatorOptions.builder().connectionString(CONNECTION_STRING).topic("t").build()
                .toString();
        assertThat(text).contains("shop.servicebus.windows.net").contains("connection string").doesNotContain(KEY);
    }

    @Test
    void badValuesAreRejectedNamingThem() {
        AzureCacheInvalidatorOptions.Builder b = AzureCacheInvalidatorOptions.builder();
        assertThatThrownBy(() -> b.topic("has space")).hasMessageContaining("topic").hasMessageContaining("has space");
        assertThatThrownBy(() -> b.fullyQualifiedNamespace("sb://shop.servicebus.windows.net"))
                .hasMessageContaining("fullyQualifiedNamespace").hasMessageContaining("no scheme");
        assertThatThrownBy(() -> b.messageTimeToLive(Duration.ZERO)).hasMessageContaining("messageTimeToLive");
        assertThatThrownBy(() -> b.messageTimeToLive(Duration.ofDays(2))).hasMessageContaining("PT48H");
        assertThatThrownBy(() -> b.linkCheckInterval(Duration.ofMillis(1))).hasMessageContaining("linkCheckInterval");
        assertThatThrownBy(() -> b.linkCheckTimeout(Duration.ofHours(1))).hasMessageContaining("linkCheckTimeout");
        assertThatThrownBy(() -> b.startTimeout(Duration.ZERO)).hasMessageContaining("startTimeout");
        assertThatThrownBy(() -> b.maxMessageBytes(10)).hasMessageContaining("maxMessageBytes").hasMessageContaining("10");
        assertThatThrownBy(() -> b.reorderWindow(Duration.ofMinutes(5))).hasMessageContaining("reorderWindow");
        assertThatThrownBy(() -> SubscriptionStrategy.existing("x".repeat(51)))
                .hasMessageContaining("subscription name must be 1 to 50");
        assertThatThrownBy(() -> SubscriptionStrategy.existing("-web")).hasMessageContaining("-web");
        assertThatThrownBy(() -> SubscriptionStrategy.autoCreateWithResourceManager("sub", "rg", "bad/ns"))
                .hasMessageContaining("namespace").hasMessageContaining("bad/ns");
        assertThatThrownBy(() -> SubscriptionStrategy.existing("web-1").createTopicIfMissing())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void defaultsSuitServiceBusStandard() {
        AzureCacheInvalidatorOptions options = AzureCacheInvalidatorOptions.builder()
                .connectionString(CONNECTION_STRING).topic("t").build();
        assertThat(options.maxMessageBytes()).isEqualTo(256 * 1024 - 8 * 1024);
        assertThat(options.messageTimeToLive()).isEqualTo(Duration.ofMinutes(5));
        assertThat(options.reorderWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.subscription()).isNull();
        assertThat(options.requireConnectionAtStart()).isTrue();
    }

    @Test
    void strategiesDescribeThemselves() {
        assertThat(SubscriptionStrategy.existing("web-1")).hasToString("existing(web-1)");
        assertThat(SubscriptionStrategy.autoCreate().createTopicIfMissing())
                .hasToString("autoCreate(createTopicIfMissing)");
        assertThat(SubscriptionStrategy.autoCreateWithResourceManager("sub", "rg", "ns"))
                .hasToString("autoCreateWithResourceManager(sub, rg, ns)")
                .isEqualTo(SubscriptionStrategy.autoCreateWithResourceManager("sub", "rg", "ns"));
    }
}
