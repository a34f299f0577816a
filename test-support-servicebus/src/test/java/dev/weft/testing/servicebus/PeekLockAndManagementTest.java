package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class PeekLockAndManagementTest extends EndpointTestSupport {

    private ServiceBusReceiverClient receiver(String subscription, ServiceBusReceiveMode mode) {
        return receiver(subscription, mode, Duration.ofMinutes(5));
    }

    private ServiceBusReceiverClient receiver(String subscription, ServiceBusReceiveMode mode,
                                              Duration maxAutoLockRenewDuration) {
        ServiceBusReceiverClient receiver = clients.builder(endpoint.connectionString()).receiver()
            .topicName(TOPIC).subscriptionName(subscription).receiveMode(mode)
            .maxAutoLockRenewDuration(maxAutoLockRenewDuration).buildClient();
        clients.track(receiver);
        return receiver;
    }

    @Test
    void peekReturnsAWaitingMessageWithoutRemovingIt() {
        startEndpoint("web-1");
        endpoint.publishRaw(TOPIC, "waiting", Map.of("k", "v"));

        ServiceBusReceivedMessage peeked = receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK).peekMessage();

        assertThat(peeked.getBody().toString()).isEqualTo("waiting");
        assertThat(peeked.getSequenceNumber()).isEqualTo(1);
        assertThat(endpoint.availableCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(endpoint.nodeRequests())
            .contains(TOPIC + "/subscriptions/web-1/$management com.microsoft:peek-message");
    }

    @Test
    void peekOnAnEmptySubscriptionReturnsNull() {
        startEndpoint("web-1");

        assertThat(receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK).peekMessage()).isNull();
    }

    @Test
    void renewingALockExtendsIt() {
        startEndpoint("web-1");
        endpoint.publishRaw(TOPIC, "locked", Map.of());
        ServiceBusReceiverClient receiver = receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK);
        ServiceBusReceivedMessage message = receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();

        OffsetDateTime before = message.getLockedUntil();
        OffsetDateTime renewed = receiver.renewMessageLock(message);

        assertThat(renewed).isAfterOrEqualTo(before);
        assertThat(endpoint.nodeRequests())
            .contains(TOPIC + "/subscriptions/web-1/$management com.microsoft:renew-lock");
    }

    @Test
    void anExpiredLockMakesTheMessageAvailableAgainWithAHigherDeliveryCount() throws Exception {
        startEndpoint("web-1");
        endpoint.model().updateSubscription(TOPIC,
            SubscriptionProperties.builder("web-1").lockDuration(Duration.ofMillis(300)).build());
        endpoint.publishRaw(TOPIC, "unsettled", Map.of());
        // without this the SDK renews the lock (through $management) for up to five minutes
        ServiceBusReceiverClient receiver = receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK, Duration.ZERO);

        ServiceBusReceivedMessage first = receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> endpoint.lockedCount(TOPIC, "web-1") == 0);
        ServiceBusReceivedMessage again = receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();

        assertThat(first.getDeliveryCount()).isZero();
        assertThat(again.getSequenceNumber()).isEqualTo(first.getSequenceNumber());
        assertThat(again.getDeliveryCount()).isEqualTo(1);
    }

    @Test
    void aReceiverRenewsAShortLockByItselfThroughManagement() {
        startEndpoint("web-1");
        endpoint.model().updateSubscription(TOPIC,
            SubscriptionProperties.builder("web-1").lockDuration(Duration.ofMillis(600)).build());
        endpoint.publishRaw(TOPIC, "slow", Map.of());
        ServiceBusReceiverClient receiver = receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK);

        ServiceBusReceivedMessage message = receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> endpoint.nodeRequests().stream()
            .filter(r -> r.endsWith("renew-lock")).count() >= 2);
        receiver.complete(message);

        assertThat(endpoint.lockedCount(TOPIC, "web-1")).isZero();
        assertThat(endpoint.deliveredCount(TOPIC, "web-1")).isEqualTo(1);
    }

    @Test
    void abandoningUpToMaxDeliveryCountDeadLettersTheMessage() {
        startEndpoint("web-1");
        endpoint.model().updateSubscription(TOPIC,
            SubscriptionProperties.builder("web-1").maxDeliveryCount(2).build());
        endpoint.publishRaw(TOPIC, "poison", Map.of());
        ServiceBusReceiverClient receiver = receiver("web-1", ServiceBusReceiveMode.PEEK_LOCK);

        receiver.abandon(receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow());
        receiver.abandon(receiver.receiveMessages(1, WAIT).stream().findFirst().orElseThrow());

        assertThat(endpoint.deadLetteredCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(endpoint.availableCount(TOPIC, "web-1")).isZero();
    }

    @Test
    void aProcessorUsesNoManagementOperationForOrdinaryMessages() throws Exception {
        startEndpoint("web-1", "web-2");
        var peekLock = clients.processor(endpoint.connectionString(), TOPIC, "web-1", ServiceBusReceiveMode.PEEK_LOCK);
        var receiveAndDelete = clients.processor(endpoint.connectionString(), TOPIC, "web-2",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message("m", Map.of()));

        assertThat(peekLock.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(receiveAndDelete.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        await().atMost(WAIT).until(() -> endpoint.lockedCount(TOPIC, "web-1") == 0);
        List<String> requests = endpoint.nodeRequests();
        assertThat(requests).allSatisfy(r -> assertThat(r).startsWith("$cbs put-token"));
    }
}
