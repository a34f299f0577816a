package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class FaultInjectionTest extends EndpointTestSupport {

    @Test
    void processorsReattachAfterAllConnectionsDropAndGetLaterMessages() throws Exception {
        startEndpoint("web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        long connectionsBefore = endpoint.connectionsAccepted();

        assertThat(endpoint.dropAllConnections()).isPositive();
        endpoint.publishRaw(TOPIC, "after the drop", Map.of());

        ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).isNotNull();
        assertThat(received.getBody().toString()).isEqualTo("after the drop");
        assertThat(endpoint.connectionsAccepted()).isGreaterThan(connectionsBefore);
        assertThat(processor.client.isRunning()).isTrue();
    }

    @Test
    void aSenderReconnectsOnItsNextSendAfterAllConnectionsDrop() {
        startEndpoint("web-1");
        var sender = clients.sender(endpoint.connectionString(), TOPIC);
        sender.sendMessage(message("before", Map.of()));

        endpoint.dropAllConnections();
        await().atMost(WAIT).until(() -> endpoint.openConnections() == 0);
        sender.sendMessage(message("after", Map.of()));

        assertThat(endpoint.publishedMessages(TOPIC)).extracting(m -> new String(m.body()))
            .containsExactly("before", "after");
    }

    @Test
    void aProcessorAttachesOnceTheEndpointStopsRefusingLinks() throws Exception {
        startEndpoint("web-1");
        endpoint.refuseNewLinks(true);
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        await().atMost(WAIT).until(() -> !processor.errors.isEmpty());
        assertThat(endpoint.receiverLinkCount(TOPIC, "web-1")).isZero();

        endpoint.refuseNewLinks(false);

        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.publishRaw(TOPIC, "through", Map.of());
        assertThat(processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
    }

    @Test
    void refusingLinksForADurationEndsByItself() {
        startEndpoint("web-1");
        endpoint.refuseNewLinks(Duration.ofMillis(500));

        clients.processor(endpoint.connectionString(), TOPIC, "web-1", ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
    }

    @Test
    void pausedDeliveryHoldsMessagesUntilResumed() throws Exception {
        startEndpoint("web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.pauseDelivery();

        endpoint.publishRaw(TOPIC, "held", Map.of());
        assertThat(endpoint.availableCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(processor.received).isEmpty();

        endpoint.resumeDelivery();
        assertThat(processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
    }

    @Test
    void droppedDeliveriesAreLostForThatSubscriptionOnly() throws Exception {
        startEndpoint("web-1", "web-2");
        var one = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        var two = clients.processor(endpoint.connectionString(), TOPIC, "web-2",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.awaitReceiverAttached(TOPIC, "web-2", WAIT);
        endpoint.dropDeliveries(TOPIC, "web-1", body -> body != null && new String(body).equals("lost"));

        endpoint.publishRaw(TOPIC, "lost", Map.of());
        endpoint.publishRaw(TOPIC, "kept", Map.of());

        assertThat(one.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).getBody().toString()).isEqualTo("kept");
        assertThat(two.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).getBody().toString()).isEqualTo("lost");
        assertThat(two.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).getBody().toString()).isEqualTo("kept");
        assertThat(endpoint.droppedCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(endpoint.droppedCount(TOPIC, "web-2")).isZero();
    }

    @Test
    void throttledPublishesFailWithServiceBusyUntilTheThrottlingEnds() {
        startEndpoint("web-1");
        var sender = clients.sender(endpoint.connectionString(), TOPIC);
        sender.sendMessage(message("before", Map.of()));
        endpoint.throttlePublishes(true);

        // what the SDK (7.17) reports once its retries are exhausted: a ServiceBusException of reason GENERAL_ERROR
        // ("Retries exhausted"), with the AmqpException of condition server-busy further down the causes
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sender.sendMessage(message("during", Map.of())))
            .isInstanceOf(com.azure.messaging.servicebus.ServiceBusException.class)
            .hasRootCauseInstanceOf(com.azure.core.amqp.exception.AmqpException.class)
            .rootCause().satisfies(root -> assertThat(((com.azure.core.amqp.exception.AmqpException) root)
                .getErrorCondition()).isEqualTo(com.azure.core.amqp.exception.AmqpErrorCondition.SERVER_BUSY_ERROR));
        assertThat(endpoint.throttledTransfers()).isPositive();

        endpoint.throttlePublishes(false);
        sender.sendMessage(message("after", Map.of()));
        assertThat(endpoint.publishedMessages(TOPIC)).extracting(m -> new String(m.body()))
            .containsExactly("before", "after");
    }
}
