package dev.weft.testing.servicebus;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;

/** Owns the endpoint and the SDK clients of one test and closes them after it. */
abstract class EndpointTestSupport {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String TOPIC = "invalidation";

    ServiceBusTestEndpoint endpoint;
    final SdkClients clients = new SdkClients();

    /** Starts the endpoint with a topic and the given subscriptions. */
    ServiceBusTestEndpoint startEndpoint(ServiceBusTestEndpoint.Builder builder, String... subscriptions) {
        endpoint = builder.start();
        endpoint.model().createTopic(TOPIC);
        for (String subscription : subscriptions) {
            endpoint.model().createSubscription(TOPIC, subscription);
        }
        return endpoint;
    }

    ServiceBusTestEndpoint startEndpoint(String... subscriptions) {
        return startEndpoint(ServiceBusTestEndpoint.builder(), subscriptions);
    }

    static ServiceBusMessage message(String body, Map<String, Object> applicationProperties) {
        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromString(body));
        message.getApplicationProperties().putAll(applicationProperties);
        return message;
    }

    @AfterEach
    void closeEverything() throws Exception {
        clients.close();
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
