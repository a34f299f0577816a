package dev.weft.caching.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import dev.weft.caching.invalidation.CacheInvalidator;
import dev.weft.caching.invalidation.InvalidationPublisher;
import dev.weft.caching.memory.MemoryCachingBackend;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import javax.net.ssl.SSLContext;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fullyQualifiedNamespace(...)} + {@code credential(...)}: the SDK puts the credential's token on {@code $cbs}
 * (which, through a TLS endpoint, needs the client customizer for the endpoint's address), and the administration
 * API gets it as a bearer token.
 */
class TokenCredentialTest {

    ServiceBusTestEndpoint endpoint;
    SSLContext previous;
    final List<String> scopes = new CopyOnWriteArrayList<>();
    final TokenCredential credential = context -> {
        scopes.addAll(context.getScopes());
        return Mono.just(new AccessToken("entra-token", OffsetDateTime.now().plusHours(1)));
    };

    @BeforeEach
    void start() throws Exception {
        endpoint = ServiceBusTestEndpoint.builder().tls(true).start();
        previous = SSLContext.getDefault();
        SSLContext.setDefault(ServiceBusTestEndpoint.trustingSslContext());
    }

    @AfterEach
    void stop() {
        SSLContext.setDefault(previous);
        endpoint.close();
    }

    @Test
    void aTokenCredentialConnectsCreatesTheSubscriptionAndInvalidations() throws Exception {
        endpoint.model().createTopic("cache-invalidation");
        FakeServiceBusHttpClient http = new FakeServiceBusHttpClient(endpoint.model());
        // The SDK's administration client puts an Entra token bare in Authorization (ServiceBusTokenCredentialHttpPolicy),
        // which the service accepts; the fake accepts only "Bearer <token>" or a SAS, so the test adds the prefix.
        HttpClient bearer = request -> {
            String authorization = request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION);
            if (authorization != null && !authorization.startsWith("SharedAccessSignature")
                    && !authorization.startsWith("Bearer ")) {
                request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + authorization);
            }
            return http.send(request);
        };
        AzureCacheInvalidatorOptions options = AzureCacheInvalidatorOptions.builder()
                .fullyQualifiedNamespace(endpoint.fullyQualifiedNamespace())
                .credential(credential)
                .clientCustomizer(builder -> builder.customEndpointAddress(endpoint.customEndpointAddress()))
                .httpClient(bearer)
                .topic("cache-invalidation")
                .subscription(SubscriptionStrategy.autoCreate())
                .retryOptions(ServiceBusFixture.RETRY)
                .build();
        try (CacheInvalidator invalidator = AzureCacheInvalidator.create(MemoryCachingBackend.create(), options);
             InvalidationPublisher feed = AzureCacheInvalidator.publisher(options)) {
            assertThat(invalidator.awaitConnected(ServiceBusFixture.TIMEOUT)).isTrue();
            feed.invalidate("k");
            await().atMost(ServiceBusFixture.TIMEOUT).until(() -> invalidator.status().messagesReceived() == 1);
        }
        assertThat(endpoint.nodeRequests()).anyMatch(r -> r.startsWith("$cbs put-token jwt"));
        assertThat(http.requests()).anyMatch(r -> "Bearer entra-token".equals(r.header("Authorization")));
        assertThat(scopes).contains("https://servicebus.azure.net/.default");
        assertThat(endpoint.model().subscriptions("cache-invalidation")).as("deleted on close").isEmpty();
    }
}
