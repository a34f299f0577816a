package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceExistsException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClient;
import com.azure.messaging.servicebus.administration.ServiceBusAdministrationClientBuilder;
import com.azure.messaging.servicebus.administration.models.CreateSubscriptionOptions;
import com.azure.messaging.servicebus.administration.models.SubscriptionProperties;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class AdministrationApiTest {

    private static final String TOPIC = "invalidation";

    private ServiceBusTestEndpoint endpoint;
    private FakeServiceBusHttpClient http;
    private final SdkClients clients = new SdkClients();

    @BeforeEach
    void start() {
        endpoint = ServiceBusTestEndpoint.start();
        endpoint.model().createTopic(TOPIC);
        http = new FakeServiceBusHttpClient(endpoint.model());
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        endpoint.close();
    }

    private ServiceBusAdministrationClient admin(String connectionString) {
        return new ServiceBusAdministrationClientBuilder()
            .connectionString(connectionString)
            .httpClient(http)
            .retryOptions(new RetryOptions(new FixedDelayOptions(1, Duration.ofMillis(10))))
            .buildClient();
    }

    @Test
    void createSubscriptionStoresItInTheModelAndReturnsItsProperties() {
        SubscriptionProperties created = admin(endpoint.connectionString()).createSubscription(TOPIC, "web-3",
            new CreateSubscriptionOptions()
                .setAutoDeleteOnIdle(Duration.ofMinutes(10))
                .setDefaultMessageTimeToLive(Duration.ofMinutes(2))
                .setMaxDeliveryCount(3));

        assertThat(created.getSubscriptionName()).isEqualTo("web-3");
        assertThat(created.getTopicName()).isEqualTo(TOPIC);
        assertThat(created.getAutoDeleteOnIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(created.getDefaultMessageTimeToLive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(endpoint.model().subscription(TOPIC, "web-3")).hasValueSatisfying(s -> {
            assertThat(s.autoDeleteOnIdle()).isEqualTo(Duration.ofMinutes(10));
            assertThat(s.maxDeliveryCount()).isEqualTo(3);
        });
        RecordedRequest put = http.requests().get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.url()).startsWith("https://localhost/" + TOPIC + "/subscriptions/web-3?api-version=");
        assertThat(put.header("Authorization")).startsWith("SharedAccessSignature ");
        assertThat(put.body()).contains("<AutoDeleteOnIdle>PT10M</AutoDeleteOnIdle>");
    }

    @Test
    void aSubscriptionCreatedThroughTheAdministrationApiReceivesMessages() throws Exception {
        admin(endpoint.connectionString()).createSubscription(TOPIC, "web-3");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-3",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        endpoint.publishRaw(TOPIC, "hello", Map.of());

        assertThat(processor.received.poll(15, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void existsReflectsTheModel() {
        ServiceBusAdministrationClient admin = admin(endpoint.connectionString());
        endpoint.model().createSubscription(TOPIC, "web-1");

        assertThat(admin.getSubscriptionExists(TOPIC, "web-1")).isTrue();
        assertThat(admin.getSubscriptionExists(TOPIC, "web-2")).isFalse();
    }

    @Test
    void deleteSubscriptionRemovesItAndAMissingOneIsNotFound() {
        ServiceBusAdministrationClient admin = admin(endpoint.connectionString());
        endpoint.model().createSubscription(TOPIC, "web-1");

        admin.deleteSubscription(TOPIC, "web-1");

        assertThat(endpoint.model().subscription(TOPIC, "web-1")).isEmpty();
        assertThatThrownBy(() -> admin.deleteSubscription(TOPIC, "web-1"))
            .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void creatingAnExistingSubscriptionIsAConflict() {
        endpoint.model().createSubscription(TOPIC, "web-1");

        assertThatThrownBy(() -> admin(endpoint.connectionString()).createSubscription(TOPIC, "web-1"))
            .isInstanceOfSatisfying(ResourceExistsException.class,
                e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(409));
    }

    @Test
    void getSubscriptionAndListSubscriptionsReadTheModel() {
        endpoint.model().createSubscription(TOPIC,
            dev.weft.testing.servicebus.SubscriptionProperties.builder("web-1").lockDuration(Duration.ofSeconds(30))
                .build());
        endpoint.model().createSubscription(TOPIC, "web-2");
        ServiceBusAdministrationClient admin = admin(endpoint.connectionString());

        assertThat(admin.getSubscription(TOPIC, "web-1").getLockDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(admin.listSubscriptions(TOPIC).stream().map(SubscriptionProperties::getSubscriptionName))
            .containsExactly("web-1", "web-2");
        assertThat(admin.getTopic(TOPIC).getName()).isEqualTo(TOPIC);
    }

    @Test
    void anAutoDeleteOnIdleUnderFiveMinutesIsABadRequest() {
        assertThatThrownBy(() -> admin(endpoint.connectionString()).createSubscription(TOPIC, "web-1",
            new CreateSubscriptionOptions().setAutoDeleteOnIdle(Duration.ofMinutes(1))))
            .isInstanceOfSatisfying(HttpResponseException.class, e -> {
                assertThat(e.getResponse().getStatusCode()).isEqualTo(400);
                assertThat(e).hasMessageContaining("AutoDeleteOnIdle");
            });
    }

    @Test
    void aWrongKeyIsAClientAuthenticationException() {
        assertThatThrownBy(() -> admin(endpoint.connectionStringWithWrongKey()).createSubscription(TOPIC, "web-1"))
            .isInstanceOfSatisfying(ClientAuthenticationException.class,
                e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(401));
        assertThat(endpoint.model().subscription(TOPIC, "web-1")).isEmpty();
    }

    @Test
    void aKeyWithoutManageIsRefused() {
        SharedAccessKey listenSend = SharedAccessKey.generate("app", AccessRight.LISTEN, AccessRight.SEND);
        endpoint.model().addKey(listenSend);

        assertThatThrownBy(() -> admin(endpoint.connectionString(listenSend, null)).createSubscription(TOPIC, "s"))
            .isInstanceOfSatisfying(ClientAuthenticationException.class,
                e -> assertThat(e).hasMessageContaining("'Manage' claim(s) are required"));
    }

    @Test
    void aProgrammed403IsAnHttpResponseExceptionNotAnAuthenticationException() {
        http.failNext(1, r -> r.method().equals("PUT"), 403);

        assertThatThrownBy(() -> admin(endpoint.connectionString()).createSubscription(TOPIC, "web-1"))
            .isExactlyInstanceOf(HttpResponseException.class)
            .satisfies(e -> assertThat(((HttpResponseException) e).getResponse().getStatusCode()).isEqualTo(403));
    }

    @Test
    void aProgrammed500IsRetriedByTheSdk() {
        http.failNext(1, r -> r.method().equals("PUT"), 500);

        admin(endpoint.connectionString()).createSubscription(TOPIC, "web-1");

        assertThat(http.requests(r -> r.method().equals("PUT"))).hasSize(2);
        assertThat(endpoint.model().subscription(TOPIC, "web-1")).isPresent();
    }

    @Test
    void programmedFailuresAreUsedUpInOrder() {
        http.failNext(2, r -> r.method().equals("GET"), 404);
        ServiceBusAdministrationClient admin = admin(endpoint.connectionString());
        endpoint.model().createSubscription(TOPIC, "web-1");

        assertThat(admin.getSubscriptionExists(TOPIC, "web-1")).isFalse();
        assertThat(admin.getSubscriptionExists(TOPIC, "web-1")).isFalse();
        assertThat(admin.getSubscriptionExists(TOPIC, "web-1")).isTrue();
    }
}
