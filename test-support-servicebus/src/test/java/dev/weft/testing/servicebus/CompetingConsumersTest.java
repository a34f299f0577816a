package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class CompetingConsumersTest extends EndpointTestSupport {

    @Test
    void twoProcessorsOnOneSubscriptionSplitItsMessages() {
        startEndpoint("shared");
        var first = clients.processor(endpoint.connectionString(), TOPIC, "shared",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        var second = clients.processor(endpoint.connectionString(), TOPIC, "shared",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        endpoint.awaitReceiverLinks(TOPIC, "shared", 2, WAIT);

        for (int i = 0; i < 20; i++) {
            endpoint.publishRaw(TOPIC, "m" + i, Map.of());
        }

        await().atMost(WAIT).until(() -> first.received.size() + second.received.size() == 20);
        assertThat(first.received).isNotEmpty();
        assertThat(second.received).isNotEmpty();
        List<ServiceBusReceivedMessage> all = new ArrayList<>(first.received);
        all.addAll(second.received);
        Set<Long> sequenceNumbers = new HashSet<>();
        all.forEach(m -> sequenceNumbers.add(m.getSequenceNumber()));
        assertThat(sequenceNumbers).hasSize(20);
    }
}
