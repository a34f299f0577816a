package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class TopicFanOutTest extends EndpointTestSupport {

    @Test
    void everySubscriptionReceivesEachMessageIntactInReceiveAndDeleteMode() throws Exception {
        startEndpoint("web-1", "web-2");
        var first = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        var second = clients.processor(endpoint.connectionString(), TOPIC, "web-2",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.awaitReceiverAttached(TOPIC, "web-2", WAIT);

        ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(new byte[] {1, 2, 3}))
            .setMessageId("m-1")
            .setContentType("application/x-weft");
        message.getApplicationProperties().putAll(Map.of("sender", "instance-a", "seq", 7L));
        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message);

        for (var processor : List.of(first, second)) {
            ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(received).isNotNull();
            assertThat(received.getBody().toBytes()).containsExactly(1, 2, 3);
            assertThat(received.getMessageId()).isEqualTo("m-1");
            assertThat(received.getContentType()).isEqualTo("application/x-weft");
            assertThat(received.getApplicationProperties())
                .containsEntry("sender", "instance-a").containsEntry("seq", 7L);
            assertThat(received.getSequenceNumber()).isEqualTo(1L);
            assertThat(received.getEnqueuedTime()).isNotNull();
            assertThat(processor.errors).isEmpty();
        }
    }

    @Test
    void everySubscriptionReceivesEachMessageInPeekLockModeAndCompletionRemovesIt() throws Exception {
        startEndpoint("web-1", "web-2");
        var first = clients.processor(endpoint.connectionString(), TOPIC, "web-1", ServiceBusReceiveMode.PEEK_LOCK);
        var second = clients.processor(endpoint.connectionString(), TOPIC, "web-2", ServiceBusReceiveMode.PEEK_LOCK);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.awaitReceiverAttached(TOPIC, "web-2", WAIT);

        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message("hello", Map.of("k", "v")));

        for (var processor : List.of(first, second)) {
            ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(received).isNotNull();
            assertThat(received.getBody().toString()).isEqualTo("hello");
            assertThat(received.getLockToken()).isNotBlank();
            assertThat(received.getLockedUntil()).isAfter(received.getEnqueuedTime());
        }
        // the processor completes after the callback returns: the lock disappears once the endpoint settles it
        await().atMost(WAIT).until(() -> endpoint.lockedCount(TOPIC, "web-1") == 0
            && endpoint.lockedCount(TOPIC, "web-2") == 0);
        assertThat(endpoint.availableCount(TOPIC, "web-1")).isZero();
        assertThat(endpoint.deliveredCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(first.errors).isEmpty();
        assertThat(second.errors).isEmpty();
    }

    @Test
    void aMessagePublishedBeforeTheReceiverAttachesWaitsInTheSubscription() throws Exception {
        startEndpoint("web-1");
        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message("early", Map.of()));
        assertThat(endpoint.availableCount(TOPIC, "web-1")).isEqualTo(1);

        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).isNotNull();
        assertThat(received.getBody().toString()).isEqualTo("early");
    }

    @Test
    void aSubscriptionCreatedAfterAPublishDoesNotGetTheEarlierMessage() {
        startEndpoint("web-1");
        endpoint.publishRaw(TOPIC, "before", Map.of());

        endpoint.model().createSubscription(TOPIC, "late");

        assertThat(endpoint.availableCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(endpoint.availableCount(TOPIC, "late")).isZero();
    }

    @Test
    void publishRawReachesProcessorsAndIsRecorded() throws Exception {
        startEndpoint("web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        PublishedMessage published = endpoint.publishRaw(TOPIC, new byte[] {(byte) 0xff, 0}, Map.of("seq", 42L));

        ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received).isNotNull();
        assertThat(received.getBody().toBytes()).containsExactly(0xff, 0);
        assertThat(received.getApplicationProperties()).containsEntry("seq", 42L);
        assertThat(received.getMessageId()).isEqualTo(published.messageId());
    }

    @Test
    void theEndpointRecordsWhatSendersPublished() {
        startEndpoint("web-1");
        ServiceBusMessage message = message("payload", Map.of("sender", "a"));
        message.setMessageId("id-9");

        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message);

        assertThat(endpoint.acceptedCount(TOPIC)).isEqualTo(1);
        PublishedMessage published = endpoint.publishedMessages(TOPIC).get(0);
        assertThat(published.body()).asString().isEqualTo("payload");
        assertThat(published.applicationProperties()).containsEntry("sender", "a");
        assertThat(published.messageId()).isEqualTo("id-9");
        assertThat(published.encodedSize()).isPositive();
    }

    @Test
    void sequenceNumbersCountUpPerSubscription() throws Exception {
        startEndpoint("web-1");
        endpoint.publishRaw(TOPIC, "one", Map.of());
        endpoint.publishRaw(TOPIC, "two", Map.of());
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        ServiceBusReceivedMessage first = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        ServiceBusReceivedMessage second = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(first.getSequenceNumber()).isEqualTo(1);
        assertThat(second.getSequenceNumber()).isEqualTo(2);
        assertThat(second.getBody().toString()).isEqualTo("two");
    }
}
