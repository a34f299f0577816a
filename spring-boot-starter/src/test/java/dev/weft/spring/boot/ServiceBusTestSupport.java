package dev.weft.spring.boot;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import dev.weft.testing.servicebus.FakeServiceBusHttpClient;
import dev.weft.testing.servicebus.ServiceBusTestEndpoint;
import reactor.core.publisher.Mono;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Properties and beans that point the starter at an in-process Service Bus endpoint and its fake management API. */
final class ServiceBusTestSupport {

    static final String AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-0000000000aa";

    static final TokenCredential CREDENTIAL =
            context -> Mono.just(new AccessToken("entra-token", OffsetDateTime.now().plusHours(1)));

    private ServiceBusTestSupport() {
    }

    /** A fresh topic in the endpoint's namespace. */
    static String newTopic(ServiceBusTestEndpoint endpoint) {
        String topic = "invalidation-" + UUID.randomUUID().toString().substring(0, 8);
        endpoint.model().createTopic(topic);
        return topic;
    }

    /**
     * The properties of a test instance: short retries and link checks, so that failures surface in seconds (the SDK
     * adds up to 4 s to a retry delay, hence max-delay 5 s; see test-support-servicebus' README).
     */
    static String[] properties(String connection, String topic, String... more) {
        String[] base = {"weft.invalidator.type=azure", connection, "weft.azure.topic=" + topic,
                "weft.azure.retry.mode=fixed", "weft.azure.retry.max-retries=2", "weft.azure.retry.delay=100ms",
                "weft.azure.retry.max-delay=5s", "weft.azure.retry.try-timeout=5s",
                "weft.azure.link-check-interval=1s", "weft.azure.link-check-timeout=1s"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Sends the management calls to the fake, which serves the endpoint's namespace model. */
    static AzureInvalidatorCustomizer management(HttpClient http) {
        return options -> options.httpClient(http);
    }

    /**
     * The fake accepts "Bearer <token>" or a SAS; the SDK's administration client sends an Entra token bare (which
     * the service accepts), so the test adds the prefix.
     */
    static HttpClient bearer(FakeServiceBusHttpClient fake) {
        return request -> {
            String authorization = request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION);
            if (authorization != null && !authorization.startsWith("SharedAccessSignature")
                    && !authorization.startsWith("Bearer ")) {
                request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + authorization);
            }
            return fake.send(request);
        };
    }
}
