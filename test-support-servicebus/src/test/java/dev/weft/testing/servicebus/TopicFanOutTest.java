package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class TopicFanOutTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServiceBusTestEndpoint endpoint;
    private SdkClients clients;

    @BeforeEach
    void start() {
        endpoint = ServiceBusTestEndpoint.start();
        endpoint.model().createTopic("invalidation");
        endpoint.model().createSubscription("invalidation", "web-1");
        endpoint.model().createSubscription("invalidation", "web-2");
        clients = new SdkClients();
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        endpoint.close();
    }

    @Test
    void everySubscriptionReceivesEachMessageInReceiveAndDeleteMode() throws Exception {
        var first = clients.processor(endpoint.connectionString(), "invalidation", "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        var second = clients.processor(endpoint.connectionString(), "invalidation", "web-2",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached("invalidation", "web-1", WAIT);
        endpoint.awaitReceiverAttached("invalidation", "web-2", WAIT);
        ServiceBusSenderClient sender = clients.sender(endpoint.connectionString(), "invalidation");

        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(new byte[] {1, 2, 3}))
            .setMessageId("m-1")
            .setContentType("application/x-weft");
        message.getApplicationProperties().putAll(Map.of("sender", "instance-a", "seq", 7L));
        sender.sendMessage(message);

        for (var processor : new SdkClients.RecordingProcessor[] {first, second}) {
            ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(received).isNotNull();
            assertThat(received.getBody().toBytes()).containsExactly(1, 2, 3);
            assertThat(received.getMessageId()).isEqualTo("m-1");
            assertThat(received.getContentType()).isEqualTo("application/x-weft");
            assertThat(received.getApplicationProperties())
                .containsEntry("sender", "instance-a").containsEntry("seq", 7L);
            assertThat(received.getSequenceNumber()).isEqualTo(1L);
            assertThat(received.getEnqueuedTime()).isNotNull();
        }
        assertThat(first.errors).isEmpty();
        assertThat(second.errors).isEmpty();
    }
}
