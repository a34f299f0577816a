package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.azure.messaging.servicebus.ServiceBusErrorSource;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

class AuthorizationTest extends EndpointTestSupport {

    @Test
    void aWrongKeyFailsTheSendWithUnauthorized() {
        startEndpoint("web-1");
        var sender = clients.sender(endpoint.connectionStringWithWrongKey(), TOPIC);

        assertThatThrownBy(() -> sender.sendMessage(message("x", Map.of())))
            .isInstanceOfSatisfying(ServiceBusException.class, e -> {
                assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED);
                assertThat(e.isTransient()).isFalse();
                assertThat(e).hasMessageContaining("InvalidSignature");
            });
        assertThat(endpoint.acceptedCount(TOPIC)).isZero();
        assertThat(endpoint.authorizationFailures()).anySatisfy(f -> assertThat(f).contains("InvalidSignature"));
    }

    @Test
    void aWrongKeyReachesTheProcessorErrorHandlerAsUnauthorized() {
        startEndpoint("web-1");

        var processor = clients.processor(endpoint.connectionStringWithWrongKey(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        await().atMost(WAIT).until(() -> !processor.errors.isEmpty());
        var error = processor.errors.get(0);
        assertThat(error.getException()).isInstanceOfSatisfying(ServiceBusException.class,
            e -> assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
        assertThat(error.getErrorSource()).isEqualTo(ServiceBusErrorSource.RECEIVE);
        assertThat(endpoint.receiverLinkCount(TOPIC, "web-1")).isZero();
    }

    @Test
    void anUnknownKeyNameIsRefused() {
        startEndpoint("web-1");
        SharedAccessKey unknown = SharedAccessKey.generate("NoSuchPolicy", AccessRight.SEND);
        var sender = clients.sender(endpoint.connectionString(unknown, null), TOPIC);

        assertThatThrownBy(() -> sender.sendMessage(message("x", Map.of())))
            .isInstanceOfSatisfying(ServiceBusException.class,
                e -> assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
    }

    @Test
    void aListenOnlyKeyCannotSend() {
        startEndpoint("web-1");
        SharedAccessKey listenOnly = SharedAccessKey.generate("listen-only", AccessRight.LISTEN);
        endpoint.model().addKey(listenOnly);
        var sender = clients.sender(endpoint.connectionString(listenOnly, null), TOPIC);

        assertThatThrownBy(() -> sender.sendMessage(message("x", Map.of())))
            .isInstanceOfSatisfying(ServiceBusException.class, e -> {
                assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED);
                assertThat(e).hasMessageContaining("'Send' claim(s) are required");
            });
        assertThat(endpoint.acceptedCount(TOPIC)).isZero();
    }

    @Test
    void aSendOnlyKeyCannotReceive() {
        startEndpoint("web-1");
        SharedAccessKey sendOnly = SharedAccessKey.generate("send-only", AccessRight.SEND);
        endpoint.model().addKey(sendOnly);

        var processor = clients.processor(endpoint.connectionString(sendOnly, null), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        await().atMost(WAIT).until(() -> !processor.errors.isEmpty());
        assertThat(processor.errors.get(0).getException()).isInstanceOfSatisfying(ServiceBusException.class, e -> {
            assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED);
            assertThat(e).hasMessageContaining("'Listen' claim(s) are required");
        });
    }

    @Test
    void aKeyWithListenAndSendDoesBoth() throws Exception {
        startEndpoint("web-1");
        SharedAccessKey key = SharedAccessKey.generate("app", AccessRight.LISTEN, AccessRight.SEND);
        endpoint.model().addKey(key);
        var processor = clients.processor(endpoint.connectionString(key, null), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);

        clients.sender(endpoint.connectionString(key, null), TOPIC).sendMessage(message("x", Map.of()));

        assertThat(processor.received.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(endpoint.nodeRequests())
            .anySatisfy(r -> assertThat(r).startsWith("$cbs put-token servicebus.windows.net:sastoken amqp://localhost/"
                + TOPIC + "/subscriptions/web-1"))
            .anySatisfy(r -> assertThat(r).isEqualTo("$cbs put-token servicebus.windows.net:sastoken amqp://localhost/"
                + TOPIC));
    }
}
