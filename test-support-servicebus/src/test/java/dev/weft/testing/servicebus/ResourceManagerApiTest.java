package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.servicebus.ServiceBusManager;
import com.azure.resourcemanager.servicebus.models.ServiceBusSubscription;
import com.azure.resourcemanager.servicebus.models.Topic;

import reactor.core.publisher.Mono;

class ResourceManagerApiTest {

    private static final String AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
    private static final String RESOURCE_GROUP = "weft-rg";
    private static final String NAMESPACE = "weft-ns";
    private static final String TOPIC = "invalidation";
    private static final TokenCredential CREDENTIAL =
        context -> Mono.just(new AccessToken("arm-token", OffsetDateTime.now().plusHours(1)));

    private ServiceBusNamespaceModel model;
    private FakeServiceBusHttpClient http;
    private ServiceBusManager manager;

    @BeforeEach
    void start() {
        model = ServiceBusNamespaceModel.create();
        model.createTopic(TOPIC);
        http = new FakeServiceBusHttpClient(model)
            .expectResourceManagerNamespace(AZURE_SUBSCRIPTION, RESOURCE_GROUP, NAMESPACE);
        manager = ServiceBusManager.configure()
            .withHttpClient(http)
            .authenticate(CREDENTIAL, new AzureProfile("tenant", AZURE_SUBSCRIPTION, AzureEnvironment.AZURE));
    }

    private Topic topic() {
        return manager.namespaces().getByResourceGroup(RESOURCE_GROUP, NAMESPACE).topics().getByName(TOPIC);
    }

    @Test
    void theFluentApiCreatesASubscriptionInTheModel() {
        ServiceBusSubscription created = topic().subscriptions().define("web-3")
            .withDefaultMessageTTL(Duration.ofMinutes(2))
            .withDeleteOnIdleDurationInMinutes(10)
            .create();

        assertThat(created.name()).isEqualTo("web-3");
        assertThat(created.deleteOnIdleDurationInMinutes()).isEqualTo(10);
        assertThat(model.subscription(TOPIC, "web-3")).hasValueSatisfying(s -> {
            assertThat(s.autoDeleteOnIdle()).isEqualTo(Duration.ofMinutes(10));
            assertThat(s.defaultMessageTimeToLive()).isEqualTo(Duration.ofMinutes(2));
        });
        RecordedRequest put = http.requests(r -> r.method().equals("PUT")).get(0);
        assertThat(put.url()).startsWith("https://management.azure.com/subscriptions/" + AZURE_SUBSCRIPTION
            + "/resourceGroups/" + RESOURCE_GROUP + "/providers/Microsoft.ServiceBus/namespaces/" + NAMESPACE
            + "/topics/" + TOPIC + "/subscriptions/web-3?api-version=");
        assertThat(put.header("Authorization")).isEqualTo("Bearer arm-token");
    }

    @Test
    void theFluentApiDeletesASubscriptionFromTheModel() {
        model.createSubscription(TOPIC, "web-1");

        topic().subscriptions().deleteByName("web-1");

        assertThat(model.subscription(TOPIC, "web-1")).isEmpty();
        assertThat(http.requests(r -> r.method().equals("DELETE"))).hasSize(1);
    }

    @Test
    void theFluentApiListsAndGetsSubscriptions() {
        model.createSubscription(TOPIC, "web-1");
        model.createSubscription(TOPIC, "web-2");

        assertThat(topic().subscriptions().list().stream().map(ServiceBusSubscription::name))
            .containsExactly("web-1", "web-2");
        assertThat(topic().subscriptions().getByName("web-2").name()).isEqualTo("web-2");
    }

    @Test
    void anUnknownNamespaceIsAManagementExceptionWith404() {
        assertThatThrownBy(() -> manager.namespaces().getByResourceGroup(RESOURCE_GROUP, "other-ns"))
            .isInstanceOfSatisfying(ManagementException.class, e -> {
                assertThat(e.getResponse().getStatusCode()).isEqualTo(404);
                assertThat(e.getValue().getCode()).isEqualTo("ResourceNotFound");
            });
    }

    @Test
    void aProgrammed403IsAManagementExceptionWithAuthorizationFailed() {
        Topic topic = topic();
        http.failNext(1, r -> r.method().equals("PUT"), 403);

        assertThatThrownBy(() -> topic.subscriptions().define("web-3").create())
            .isInstanceOfSatisfying(ManagementException.class, e -> {
                assertThat(e.getResponse().getStatusCode()).isEqualTo(403);
                assertThat(e.getValue().getCode()).isEqualTo("AuthorizationFailed");
            });
        assertThat(model.subscription(TOPIC, "web-3")).isEmpty();
    }

    @Test
    void aPutOnAnExistingSubscriptionUpdatesItAsArmDoes() {
        model.createSubscription(TOPIC, "web-1");

        topic().subscriptions().define("web-1").withDeleteOnIdleDurationInMinutes(30).create();

        assertThat(model.subscription(TOPIC, "web-1").orElseThrow().autoDeleteOnIdle())
            .isEqualTo(Duration.ofMinutes(30));
    }
}
