package dev.weft.caching.azure;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import dev.weft.testing.servicebus.SharedAccessKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What no retry fixes fails the creation at once with a message naming namespace, topic and subscription (the SDK's
 * processor would otherwise retry forever and stay "running"); what a retry may fix can start disconnected.
 */
class StartupErrorsTest {

    ServiceBusTestEndpoint endpoint;
    ServiceBusFixture fixture;

    @BeforeEach
    void start() {
        endpoint = ServiceBusTestEndpoint.start();
        fixture = new ServiceBusFixture(endpoint);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
        endpoint.close();
    }

    private CacheInvalidator create(AzureCacheInvalidatorOptions.Builder options) {
        return fixture.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(), options.build()));
    }

    @Test
    void aMissingSubscriptionIsAClearErrorNamingNamespaceTopicAndSubscription() {
        assertThatThrownBy(() -> create(fixture.options().subscription(SubscriptionStrategy.existing("web-9"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("namespace localhost")
                .hasMessageContaining("topic '" + fixture.topic + "'")
                .hasMessageContaining("subscription 'web-9'");
        await().atMost(ServiceBusFixture.TIMEOUT).untilAsserted(() ->
                assertThat(endpoint.openConnections()).as("everything it opened is closed").isZero());
    }

    @Test
    void aMissingTopicIsAClearError() {
        assertThatThrownBy(() -> create(fixture.options().topic("no-such-topic")
                .subscription(SubscriptionStrategy.existing("web-1"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("the topic does not exist")
                .hasMessageContaining("topic 'no-such-topic'");
    }

    @Test
    void aWrongKeyIsAClearErrorThatNeverShowsTheKey() {
        String wrong = endpoint.connectionStringWithWrongKey();
        String key = wrong.replaceAll(".*SharedAccessKey=([^;]*).*", "$1");
        assertThatThrownBy(() -> create(fixture.options().connectionString(wrong)
                .subscription(fixture.existing("web-1"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("refused a connection string")
                .hasMessageContaining("the key is wrong or rotated")
                .hasMessageContaining("topic '" + fixture.topic + "'")
                .hasMessageNotContaining(key);
    }

    @Test
    void aPolicyWithoutListenIsRefusedWithAnErrorNamingTheRight() {
        SharedAccessKey sendOnly = SharedAccessKey.generate("send-only", AccessRight.SEND);
        endpoint.model().addKey(sendOnly);
        assertThatThrownBy(() -> create(fixture.options().connectionString(endpoint.connectionString(sendOnly, null))
                .subscription(fixture.existing("web-1"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("cannot receive invalidations")
                .hasMessageContaining("Listen right")
                .hasMessageContaining("Azure Service Bus Data Receiver")
                .hasMessageContaining("subscription 'web-1'");
    }

    @Test
    void aPolicyWithoutSendIsRefusedWithAnErrorNamingTheRight() {
        SharedAccessKey listenOnly = SharedAccessKey.generate("listen-only", AccessRight.LISTEN);
        endpoint.model().addKey(listenOnly);
        assertThatThrownBy(() -> create(fixture.options().connectionString(endpoint.connectionString(listenOnly, null))
                .subscription(fixture.existing("web-1"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("cannot publish invalidations")
                .hasMessageContaining("Send right")
                .hasMessageContaining("Azure Service Bus Data Sender");
    }

    @Test
    void aPublisherOnAMissingTopicIsAClearError() {
        assertThatThrownBy(() -> AzureCacheInvalidator.publisher(fixture.options().topic("no-such-topic").build()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("topic 'no-such-topic'");
        await().atMost(ServiceBusFixture.TIMEOUT).until(() -> endpoint.openConnections() == 0);
    }

    @Test
    void withoutASubscriptionStrategyCreateIsAConfigurationErrorButAPublisherIsFine() {
        assertThatThrownBy(() -> create(fixture.options()))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("needs a subscription strategy");
        fixture.closeLater(AzureCacheInvalidator.publisher(fixture.options().build())).invalidate("k");
    }

    @Test
    void aMaxMessageBytesLargerThanTheNamespaceAcceptsIsAConfigurationError() throws Exception {
        try (ServiceBusTestEndpoint small = ServiceBusTestEndpoint.builder().maxMessageSize(64 * 1024).start()) {
            ServiceBusFixture f = fixture.closeLater(new ServiceBusFixture(small));
            assertThatThrownBy(() -> AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                    f.options().subscription(f.existing("web-1")).build()))
                    .isInstanceOf(CachingConfigurationException.class)
                    .hasMessageContaining("maxMessageBytes " + AzureCacheInvalidatorOptions.DEFAULT_MAX_MESSAGE_BYTES)
                    .hasMessageContaining("accepts 65536 bytes")
                    .hasMessageContaining("maxMessageBytes(63488)");
            CacheInvalidator fits = f.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(),
                    f.options().subscription(SubscriptionStrategy.existing("web-1")).maxMessageBytes(63_488).build()));
            assertThat(fits.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();
        }
    }

    @Test
    void aLinkThatDoesNotDeliverInTimeFailsTheStartUnlessToldOtherwise() {
        endpoint.refuseNewLinks(true);
        assertThatThrownBy(() -> create(fixture.options().subscription(fixture.existing("web-1"))
                .startTimeout(Duration.ofSeconds(2))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("requireConnectionAtStart(false)");
    }

    @Test
    void withoutRequiringAConnectionAtStartItStartsDisconnectedAndConnectsLater() throws Exception {
        endpoint.refuseNewLinks(true);
        CacheInvalidator invalidator = create(fixture.options().subscription(fixture.existing("web-1"))
                .startTimeout(Duration.ofSeconds(2)).requireConnectionAtStart(false));
        assertThat(invalidator.status().connected()).isFalse();

        endpoint.refuseNewLinks(false);

        assertThat(invalidator.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();
        invalidator.invalidate("k");
        assertThat(invalidator.status().messagesSent()).isEqualTo(1);
    }
}
