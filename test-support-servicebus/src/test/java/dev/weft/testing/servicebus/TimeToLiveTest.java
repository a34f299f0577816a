package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class TimeToLiveTest extends EndpointTestSupport {

    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void aMessageWhoseTimeToLivePassedIsDroppedNotDelivered() throws Exception {
        startEndpoint(ServiceBusTestEndpoint.builder().clock(clock), "web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverAttached(TOPIC, "web-1", WAIT);
        endpoint.pauseDelivery();
        endpoint.publish(TOPIC, messageWithTimeToLive("short-lived", Duration.ofSeconds(1)));
        endpoint.publishRaw(TOPIC, "long-lived", Map.of());

        clock.advance(Duration.ofSeconds(2));
        endpoint.resumeDelivery();

        ServiceBusReceivedMessage received = processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(received.getBody().toString()).isEqualTo("long-lived");
        assertThat(endpoint.expiredCount(TOPIC, "web-1")).isEqualTo(1);
        assertThat(processor.received).isEmpty();
    }

    @Test
    void theSubscriptionsDefaultTimeToLiveCapsEveryMessage() {
        startEndpoint(ServiceBusTestEndpoint.builder().clock(clock));
        endpoint.model().createSubscription(TOPIC,
            SubscriptionProperties.builder("short").defaultMessageTimeToLive(Duration.ofMinutes(1)).build());
        endpoint.model().createSubscription(TOPIC, "long");
        endpoint.publishRaw(TOPIC, "m", Map.of());

        clock.advance(Duration.ofMinutes(2));
        clients.processor(endpoint.connectionString(), TOPIC, "short", ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        clients.processor(endpoint.connectionString(), TOPIC, "long", ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> endpoint.expiredCount(TOPIC, "short") == 1
            && endpoint.deliveredCount(TOPIC, "long") == 1);
        assertThat(endpoint.deliveredCount(TOPIC, "short")).isZero();
    }

    @Test
    void theSdkPutsAMessagesTimeToLiveInTheHeader() {
        startEndpoint("web-1");
        var message = message("m", Map.of());
        message.setTimeToLive(Duration.ofSeconds(30));

        clients.sender(endpoint.connectionString(), TOPIC).sendMessage(message);

        assertThat(endpoint.publishedMessages(TOPIC).get(0).timeToLive()).isEqualTo(Duration.ofSeconds(30));
    }

    private static Message messageWithTimeToLive(String body, Duration ttl) {
        Message message = Message.Factory.create();
        Header header = new Header();
        header.setTtl(org.apache.qpid.proton.amqp.UnsignedInteger.valueOf(ttl.toMillis()));
        message.setHeader(header);
        message.setBody(new Data(new Binary(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return message;
    }
}
