package dev.weft.spring.boot;

import com.azure.core.credential.TokenCredential;
import dev.weft.caching.CachingServices;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.weft.spring.boot.ServiceBusTestSupport.management;
import static dev.weft.spring.boot.ServiceBusTestSupport.newTopic;
import static dev.weft.spring.boot.ServiceBusTestSupport.properties;
import static dev.weft.spring.boot.WeftContextRunner.assertStartFailsNaming;
import static dev.weft.spring.boot.WeftContextRunner.runner;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code weft.invalidator.type=azure}, each subscription strategy, against the in-process Service Bus endpoint. */
class AzureAutoConfigurationTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static ServiceBusTestEndpoint endpoint;
    static FakeServiceBusHttpClient http;

    @BeforeAll
    static void start() {
        endpoint = ServiceBusTestEndpoint.start();
        http = new FakeServiceBusHttpClient(endpoint.model());
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    private static String connection() {
        return "weft.azure.connection-string=" + endpoint.connectionString();
    }

    @Test
    void existingReceivesOnTheNamedSubscription() {
        String topic = newTopic(endpoint);
        endpoint.model().createSubscription(topic, "web-1");
        runner().withPropertyValues(properties(connection(), topic, "weft.azure.subscription.strategy=existing",
                        "weft.azure.subscription.name=web-1"))
                .run(context -> {
                    CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
                    assertThat(CachingServices.getDefaultBackend()).isSameAs(invalidator);
                    assertThat(invalidator.awaitConnected(TIMEOUT)).isTrue();
                    assertThat(endpoint.receiverLinkCount(topic, "web-1")).isEqualTo(1);
                    BootLine.HealthView health = BootLine.weftHealth(context);
                    assertThat(health.status()).isEqualTo("UP");
                    assertThat(health.details()).containsEntry("topic", topic)
                            .containsEntry("subscription", "web-1");
                });
        assertThat(endpoint.model().subscription(topic, "web-1")).as("a pre-provisioned one stays").isPresent();
    }

    @Test
    void autoCreateCreatesASubscriptionAndDeletesItAtShutdown() {
        String topic = newTopic(endpoint);
        runner().withPropertyValues(properties(connection(), topic, "weft.azure.subscription.strategy=auto-create",
                        "weft.azure.instance-id-prefix=shop"))
                .withBean(AzureInvalidatorCustomizer.class, () -> management(http))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(endpoint.model().subscriptions(topic)).singleElement()
                            .satisfies(s -> assertThat(s.name()).startsWith("shop-"));
                });
        assertThat(endpoint.model().subscriptions(topic)).as("deleted at shutdown").isEmpty();
        assertThat(http.requests(r -> r.path().contains(topic + "/subscriptions/")))
                .extracting(RecordedRequest::method).contains("PUT", "DELETE");
    }

    @Test
    void resourceManagerCreatesTheSubscriptionThroughArmWithTheApplicationsCredential() {
        String topic = newTopic(endpoint);
        List<String> scopes = new CopyOnWriteArrayList<>();
        TokenCredential credential = context -> {
            scopes.addAll(context.getScopes());
            return ServiceBusTestSupport.CREDENTIAL.getToken(context);
        };
        http.expectResourceManagerNamespace(ServiceBusTestSupport.AZURE_SUBSCRIPTION, "shop-rg", "shop-bus");
        runner().withPropertyValues(properties(connection(), topic,
                        "weft.azure.subscription.strategy=resource-manager",
                        "weft.azure.resource-manager.subscription-id=" + ServiceBusTestSupport.AZURE_SUBSCRIPTION,
                        "weft.azure.resource-manager.resource-group=shop-rg",
                        "weft.azure.resource-manager.namespace=shop-bus"))
                .withBean(AzureInvalidatorCustomizer.class, () -> management(http))
                .withBean(TokenCredential.class, () -> credential)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(endpoint.model().subscriptions(topic)).hasSize(1);
                    assertThat(http.requests(r -> r.isResourceManager() && r.method().equals("PUT")
                            && r.path().contains("/resourceGroups/shop-rg/"))).isNotEmpty();
                });
        assertThat(scopes).as("the credential bean was asked for Resource Manager tokens")
                .anyMatch(s -> s.contains("management"));
        assertThat(endpoint.model().subscriptions(topic)).isEmpty();
    }

    @Test
    void aTokenCredentialBeanAuthenticatesANamespaceWithoutConnectionString() throws Exception {
        List<String> scopes = new CopyOnWriteArrayList<>();
        TokenCredential credential = context -> {
            scopes.addAll(context.getScopes());
            return ServiceBusTestSupport.CREDENTIAL.getToken(context);
        };
        // with a credential the SDK always uses TLS, and trusts the JVM's default SSL context
        SSLContext previous = SSLContext.getDefault();
        try (ServiceBusTestEndpoint tls = ServiceBusTestEndpoint.builder().tls(true).start()) {
            SSLContext.setDefault(ServiceBusTestEndpoint.trustingSslContext());
            String topic = newTopic(tls);
            FakeServiceBusHttpClient tlsHttp = new FakeServiceBusHttpClient(tls.model());
            runner().withPropertyValues(properties("weft.azure.fully-qualified-namespace="
                            + tls.fullyQualifiedNamespace(), topic, "weft.azure.subscription.strategy=auto-create"))
                    .withBean(TokenCredential.class, () -> credential)
                    .withBean(AzureInvalidatorCustomizer.class, () -> options -> options
                            .httpClient(ServiceBusTestSupport.bearer(tlsHttp))
                            .clientCustomizer(b -> b.customEndpointAddress(tls.customEndpointAddress())))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(CacheInvalidator.class).awaitConnected(TIMEOUT)).isTrue();
                    });
            assertThat(scopes).as("tokens for Service Bus came from the bean")
                    .anyMatch(s -> s.contains("servicebus"));
        } finally {
            SSLContext.setDefault(previous);
        }
    }

    @Test
    void aMissingTopicFailsTheStartNamingTheConnection() {
        runner().withPropertyValues(properties(connection(), "no-such-topic",
                        "weft.azure.subscription.strategy=existing", "weft.azure.subscription.name=web-1",
                        "weft.azure.start-timeout=5s"))
                .run(context -> assertStartFailsNaming(context, "weft.azure.connection-string"));
    }
}
