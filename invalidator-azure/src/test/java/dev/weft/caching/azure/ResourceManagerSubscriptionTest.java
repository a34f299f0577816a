package dev.weft.caching.azure;

import dev.weft.caching.CachingConfigurationException;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
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

/**
 * {@link SubscriptionStrategy#autoCreateWithResourceManager}: what Resource Manager is asked, and the errors it can
 * give.
 */
class ResourceManagerSubscriptionTest {

    static final Predicate<RecordedRequest> SUBSCRIPTION_PUT =
            r -> r.isResourceManager() && r.method().equals("PUT") && r.path().contains("/subscriptions/"
                    + ServiceBusFixture.AZURE_SUBSCRIPTION + "/") && r.path().contains("/topics/")
                    && r.path().matches(".*/subscriptions/[^/]+$");

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
        fixture.http.expectResourceManagerNamespace(ServiceBusFixture.AZURE_SUBSCRIPTION,
                ServiceBusFixture.RESOURCE_GROUP, ServiceBusFixture.NAMESPACE);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private CacheInvalidator create(AzureCacheInvalidatorOptions.Builder options) {
        return fixture.closeLater(AzureCacheInvalidator.create(MemoryCachingBackend.create(), options.build()));
    }

    private CacheInvalidator create() {
        return create(fixture.options().subscription(ServiceBusFixture.resourceManager()));
    }

    private static String subscriptionOf(CacheInvalidator invalidator) {
        return invalidator.status().details().get("subscription");
    }

    @Test
    void theRequestCarriesAUniqueNameAutoDeleteOnIdleOfFiveMinutesAndTheMessageTimeToLive() {
        CacheInvalidator invalidator = create(fixture.options().subscription(ServiceBusFixture.resourceManager())
                .messageTimeToLive(Duration.ofMinutes(3)));

        String name = subscriptionOf(invalidator);
        assertThat(name).matches("weft-[a-z0-9-]+-[0-9a-f]{8}").hasSizeLessThanOrEqualTo(50);
        List<RecordedRequest> puts = fixture.http.requests(SUBSCRIPTION_PUT);
        assertThat(puts).hasSize(1);
        assertThat(puts.get(0).url()).startsWith("https://management.azure.com/subscriptions/"
                + ServiceBusFixture.AZURE_SUBSCRIPTION + "/resourceGroups/" + ServiceBusFixture.RESOURCE_GROUP
                + "/providers/Microsoft.ServiceBus/namespaces/" + ServiceBusFixture.NAMESPACE + "/topics/"
                + fixture.topic + "/subscriptions/" + name + "?");
        assertThat(puts.get(0).body()).contains("\"autoDeleteOnIdle\":\"PT5M\"")
                .contains("\"defaultMessageTimeToLive\":\"PT3M\"");
        assertThat(puts.get(0).header("Authorization")).isEqualTo("Bearer arm-token");
        SubscriptionProperties created = endpoint.model().subscription(fixture.topic, name).orElseThrow();
        assertThat(created.autoDeleteOnIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(created.defaultMessageTimeToLive()).isEqualTo(Duration.ofMinutes(3));
        assertThat(invalidator.status().details().get("strategy")).startsWith("autoCreateWithResourceManager(");
    }

    @Test
    void theNameIsLookedUpBeforeItIsCreatedBecauseAResourceManagerPutWouldTakeAnExistingOneOver() {
        String name = subscriptionOf(create());
        List<RecordedRequest> lookups = fixture.http.requests(r -> r.method().equals("GET")
                && r.path().endsWith("/subscriptions/" + name));
        assertThat(lookups).isNotEmpty();
    }

    @Test
    void closeDeletesTheSubscription() {
        CacheInvalidator invalidator = create();
        String name = subscriptionOf(invalidator);

        invalidator.close();

        assertThat(endpoint.model().subscription(fixture.topic, name)).isEmpty();
        assertThat(fixture.http.requests(r -> r.method().equals("DELETE"))).hasSize(1);
    }

    @Test
    void aConflictIsRetriedWithANewName() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 409);

        CacheInvalidator invalidator = create();

        List<RecordedRequest> puts = fixture.http.requests(SUBSCRIPTION_PUT);
        assertThat(puts).hasSize(2);
        assertThat(puts.get(0).path()).isNotEqualTo(puts.get(1).path());
        assertThat(puts.get(1).path()).endsWith("/subscriptions/" + subscriptionOf(invalidator));
    }

    @Test
    void a403NamesTheControlPlaneRoleNeeded() {
        fixture.http.failNext(1, SUBSCRIPTION_PUT, 403);
        assertThatThrownBy(this::create)
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("HTTP 403 AuthorizationFailed")
                .hasMessageContaining("Contributor")
                .hasMessageContaining("Microsoft.ServiceBus/namespaces/topics/subscriptions/write")
                .hasMessageContaining(ServiceBusFixture.NAMESPACE);
    }

    @Test
    void a401NamesTheControlPlaneRoleNeeded() {
        fixture.http.failNext(1, r -> r.isResourceManager(), 401);
        assertThatThrownBy(this::create)
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("control-plane role");
    }

    @Test
    void anUnknownNamespaceIsAClearError() {
        assertThatThrownBy(() -> create(fixture.options().subscription(SubscriptionStrategy
                .autoCreateWithResourceManager(ServiceBusFixture.AZURE_SUBSCRIPTION, "other-rg", "other-ns"))))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("namespace 'other-ns' in resource group 'other-rg'")
                .hasMessageContaining("was not found");
    }

    @Test
    void aMissingTopicIsAClearError() {
        assertThatThrownBy(() -> create(fixture.options().topic("no-such-topic")
                .subscription(ServiceBusFixture.resourceManager())))
                .isInstanceOf(CachingConfigurationException.class)
                .hasMessageContaining("topic 'no-such-topic' does not exist");
    }

    @Test
    void aMissingTopicIsCreatedWhenTheStrategySaysSo() {
        String topic = fixture.topic + "-arm";
        CacheInvalidator invalidator = create(fixture.options().topic(topic)
                .subscription(ServiceBusFixture.resourceManager().createTopicIfMissing()));
        assertThat(endpoint.model().topic(topic)).isPresent();
        assertThat(invalidator.status().connected()).isTrue();
    }
}
