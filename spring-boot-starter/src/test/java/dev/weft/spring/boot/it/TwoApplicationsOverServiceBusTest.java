package dev.weft.spring.boot.it;

import dev.weft.caching.backend.CacheItem;
import dev.weft.caching.backend.ItemKey;
import dev.weft.caching.backend.LoadToken;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.spring.boot.AzureInvalidatorCustomizer;
import dev.weft.spring.boot.internal.DefaultBackendInstallation;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.RecordedRequest;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two Spring Boot applications over the in-process Service Bus endpoint, each with a subscription the starter
 * auto-creates through the fake management API. Both run in this JVM (the fake lives in its memory), so the test
 * checks each application's own backend rather than CachingServices, which the last one started owns.
 */
class TwoApplicationsOverServiceBusTest {

    static FakeServiceBusHttpClient http;

    ServiceBusTestEndpoint endpoint;
    String topic;
    ConfigurableApplicationContext app1;
    ConfigurableApplicationContext app2;

    @BeforeEach
    void start() {
        endpoint = ServiceBusTestEndpoint.start();
        http = new FakeServiceBusHttpClient(endpoint.model());
        topic = "catalog-" + UUID.randomUUID().toString().substring(0, 8);
        endpoint.model().createTopic(topic);
        app1 = startApp("app-1");
        app2 = startApp("app-2");
    }

    private ConfigurableApplicationContext startApp(String name) {
        return new SpringApplicationBuilder(App.class).properties(
                "server.port=0", "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=health,weft",
                "management.endpoint.health.show-details=always",
                "weft.invalidator.type=azure",
                "weft.azure.connection-string=" + endpoint.connectionString(),
                "weft.azure.topic=" + topic,
                "weft.azure.subscription.strategy=auto-create",
                "weft.azure.instance-id-prefix=" + name,
                "weft.azure.retry.mode=fixed", "weft.azure.retry.max-retries=2", "weft.azure.retry.delay=100ms",
                "weft.azure.retry.max-delay=5s", "weft.azure.retry.try-timeout=5s").run();
    }

    @AfterEach
    void stop() {
        for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {app2, app1}) {
            if (app != null) {
                app.close();
            }
        }
        endpoint.close();
    }

    @Test
    void eachApplicationCreatesItsSubscriptionAtStartAndDeletesItAtShutdown() {
        assertThat(endpoint.model().subscriptions(topic)).extracting(s -> s.name())
                .hasSize(2).anyMatch(n -> n.startsWith("app-1-")).anyMatch(n -> n.startsWith("app-2-"));
        assertThat(http.requests(r -> r.method().equals("PUT") && r.path().contains(topic + "/subscriptions/")))
                .hasSize(2);

        app1.close();
        app2.close();

        assertThat(endpoint.model().subscriptions(topic)).isEmpty();
        assertThat(http.requests(r -> r.method().equals("DELETE") && r.path().contains(topic + "/subscriptions/")))
                .extracting(RecordedRequest::path).hasSize(2);
    }

    @Test
    void anInvalidationInOneApplicationReachesTheOthersBackendWithinOneSecond() {
        MemoryCachingBackend memory2 = app2.getBean(DefaultBackendInstallation.class).memory();
        ItemKey key = ItemKey.of("dev.weft.Catalog.product(42)");
        LoadToken load = memory2.beginLoad(key);
        assertThat(memory2.set(load, CacheItem.of("Product 42"))).isTrue();

        app1.getBean(DefaultBackendInstallation.class).backend().invalidate(key.canonical());

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
                .until(() -> memory2.get(key) == null);
    }

    @Test
    void healthIsUpWithTheSubscriptionInItsDetails() {
        for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {app1, app2}) {
            HttpProbe probe = new HttpProbe(app.getEnvironment().getProperty("local.server.port", Integer.class));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    probe.json("/actuator/health").path("components").path("weft").path("status").asString()
                            .equals("UP"));
            var details = probe.json("/actuator/health").path("components").path("weft").path("details");
            assertThat(details.path("transport").asString()).isEqualTo("azure-servicebus");
            assertThat(details.path("topic").asString()).isEqualTo(topic);
            assertThat(details.path("subscription").asString()).isNotEmpty();
        }
    }

    /** An application with nothing but auto-configuration, and the fake management API for auto-create. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {

        @Bean
        AzureInvalidatorCustomizer fakeManagementApi() {
            return options -> options.httpClient(http);
        }
    }
}
