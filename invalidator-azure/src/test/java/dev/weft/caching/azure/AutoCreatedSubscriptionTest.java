package dev.weft.caching.azure;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import dev.weft.testing.servicebus.SharedAccessKey;
import dev.weft.testing.servicebus.SubscriptionProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SubscriptionStrategy#autoCreate()}: what the administration API is asked, and the errors it can give. */
class AutoCreatedSubscriptionTest {

    static final Predicate<RecordedRequest> SUBSCRIPTION_PUT =
            r -> r.method().equals("PUT") && r.path().contains("/subscriptions/");

    static ServiceBusTestEndpoint endpoint;
    ServiceBusFixture fixture;

    @BeforeAll
    static void startEndpoint() {
        endpoint = ServiceBusTestEndpoint.start();
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    @BeforeEach
    void start() {
        fixture = new ServiceBusFixture(endpoint);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private CacheInvalidator create(AzureCacheInvalidatorOptions.Builder options) {
        return fixture.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(), options.build()));
    }

    private static String subscriptionOf(CacheInvalidator invalidator) {
        return invalidator.status().details().get("subscription");
    }

    @Test
    void theRequestCarriesAUniqueNameAutoDeleteOnIdleOfFiveMinutesAndTheMessageTimeToLive() {
        CacheInvalidator invalidator = create(fixture.options().subscription(SubscriptionStrategy.autoCreate())
                .messageTimeToLive(Duration.ofMinutes(2)).instanceIdPrefix("shop"));

        String name = subscriptionOf(invalidator);
        assertThat(name).matches("shop-[a-z0-9-]+-[0-9a-f]{8}").hasSizeLessThanOrEqualTo(50);
        List<RecordedRequest> puts = fixture.http.requests(SUBSCRIPTION_PUT);
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).path()).endsWith("/" + fixture.topic + "/subscriptions/" + name);
        assertThat(puts.get(0).body())
                .contains("<AutoDeleteOnIdle>PT5M</AutoDeleteOnIdle>")
                .contains("<DefaultMessageTimeToLive>PT2M</DefaultMessageTimeToLive>");
        SubscriptionProperties created = endpoint.model().subscription(fixture.topic, name).orElseThrow();
        assertThat(created.autoDeleteOnIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(created.defaultMessageTimeToLive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(invalidator.status().details()).containsEntry("strategy", "autoCreate")
                .containsEntry("subscriptionCreatedByWeft", "true");
    }

    @Test
    void twoInstancesGetDifferentSubscriptions() {
        String first = subscriptionOf(create(fixture.options().subscription(SubscriptionStrategy.autoCreate())));
        String second = subscriptionOf(create(fixture.options().subscription(SubscriptionStrategy.autoCreate())));
        assertThat(first).isNotEqualTo(second);
        assertThat(endpoint.model().subscriptions(fixture.topic)).hasSize(2);
    }

    @Test
    void closeDeletesTheSubscription() {
        CacheInvalidator invalidator = create(fixture.options().subscription(SubscriptionStrategy.autoCreate()));
        String name = subscriptionOf(invalidator);
        assertThat(endpoint.model().subscription(fixture.topic, name)).isPresent();

        invalidator.close();

        assertThat(endpoint.model().subscription(fixture.topic, name)).isEmpty();
        assertThat(fixture.http.requests(r -> r.method().equals("DELETE")))
                .extracting(RecordedRequest::path).containsExactly("/" + fixture.topic + "/subscriptions/" + name);
    }

    @Test
    void aTakenNameIsRetriedWithANewOne() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 409);

        CacheInvalidator invalidator = create(fixture.options().subscription(SubscriptionStrategy.autoCreate()));

        List<RecordedRequest> puts = fixture.http.requests(SUBSCRIPTION_PUT);
        assertThat(puts).hasSize(2);
        assertThat(puts.get(0).path()).isNotEqualTo(puts.get(1).path());
        assertThat(puts.get(1).path()).endsWith("/subscriptions/" + subscriptionOf(invalidator));
        assertThat(invalidator.status().connected()).isTrue();
    }

    @Test
    void a401NamesTheManageRightAndTheDataOwnerRole() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 401);
        assertThatThrownBy(() -> create(fixture.options().subscription(SubscriptionStrategy.autoCreate())))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("Manage right")
                .hasMessageContaining("Azure Service Bus Data Owner")
                .hasMessageContaining(fixture.topic);
    }

    @Test
    void a403NamesTheManageRightAndTheDataOwnerRole() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 403);
        assertThatThrownBy(() -> create(fixture.options().subscription(SubscriptionStrategy.autoCreate())))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("HTTP 403")
                .hasMessageContaining("Manage right")
                .hasMessageContaining("Azure Service Bus Data Owner");
    }

    @Test
    void aPolicyWithoutManageIsRefusedWithAnErrorNamingTheRight() {
        SharedAccessKey app = SharedAccessKey.generate("listen-send", AccessRight.LISTEN, AccessRight.SEND);
        endpoint.model().addKey(app);
        assertThatThrownBy(() -> create(fixture.options().connectionString(endpoint.connectionString(app, null))
                .subscription(SubscriptionStrategy.autoCreate())))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("Manage")
                .hasMessageNotContaining(app.key());
        assertThat(endpoint.model().subscriptions(fixture.topic)).isEmpty();
    }

    @Test
    void aMissingTopicIsAClearError() {
        assertThatThrownBy(() -> create(fixture.options().topic("no-such-topic")
                .subscription(SubscriptionStrategy.autoCreate())))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("topic 'no-such-topic' does not exist")
                .hasMessageContaining("createTopicIfMissing()");
    }

    @Test
    void aMissingTopicIsCreatedWhenTheStrategySaysSo() {
        String topic = fixture.topic + "-new";
        CacheInvalidator invalidator = create(fixture.options().topic(topic)
                .subscription(SubscriptionStrategy.autoCreate().createTopicIfMissing()));
        assertThat(endpoint.model().topic(topic)).isPresent();
        assertThat(invalidator.status().connected()).isTrue();
    }

    @Test
    void aServerErrorIsRetriedByTheSdk() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 500);
        CacheInvalidator invalidator = create(fixture.options().subscription(SubscriptionStrategy.autoCreate()));
        assertThat(invalidator.status().connected()).isTrue();
        assertThat(fixture.http.requests(SUBSCRIPTION_PUT)).hasSize(2);
    }
}
