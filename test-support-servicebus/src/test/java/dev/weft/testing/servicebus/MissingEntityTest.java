package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class MissingEntityTest extends EndpointTestSupport {

    @Test
    void sendingToAMissingTopicFailsWithEntityNotFound() {
        startEndpoint("web-1");
        var sender = clients.sender(endpoint.connectionString(), "no-such-topic");

        assertThatThrownBy(() -> sender.sendMessage(message("x", Map.of())))
            .isInstanceOfSatisfying(ServiceBusException.class, e -> {
                assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND);
                assertThat(e.isTransient()).isFalse();
            });
    }

    @Test
    void aProcessorOnAMissingSubscriptionReportsNotFoundAndKeepsRunning() {
        startEndpoint("web-1");

        var processor = clients.processor(endpoint.connectionString(), TOPIC, "no-such-subscription",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        await().atMost(WAIT).until(() -> !processor.errors.isEmpty());
        assertThat(processor.errors.get(0).getException()).isInstanceOfSatisfying(ServiceBusException.class, e -> {
            assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND);
            assertThat(e).hasMessageContaining("could not be found");
        });
        assertThat(processor.client.isRunning()).isTrue();
    }

    @Test
    void deletingASubscriptionDetachesItsReceiversWithNotFound() {
        startEndpoint("web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);

        endpoint.model().deleteSubscription(TOPIC, "web-1");

        await().atMost(WAIT).until(() -> !processor.errors.isEmpty());
        assertThat(processor.errors.get(0).getException()).isInstanceOfSatisfying(ServiceBusException.class,
            e -> assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.MESSAGING_ENTITY_NOT_FOUND));
        assertThat(endpoint.receiverLinkCount(TOPIC, "web-1")).isZero();
    }
}
