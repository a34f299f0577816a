package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;

import reactor.core.publisher.Mono;

/** The SDK's TokenCredential path, which always uses TLS, against a TLS endpoint. */
class TokenCredentialTest extends EndpointTestSupport {

    private static final TokenCredential CREDENTIAL =
        context -> Mono.just(new AccessToken("header.payload.signature", OffsetDateTime.now().plusHours(1)));

    private SSLContext previousDefault;

    @BeforeEach
    void trustTheTestCertificate() throws Exception {
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(ServiceBusTestEndpoint.trustingSslContext());
    }

    @AfterEach
    void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    private ServiceBusClientBuilder credentialBuilder() {
        return new ServiceBusClientBuilder()
            .credential(endpoint.fullyQualifiedNamespace(), CREDENTIAL)
            .customEndpointAddress(endpoint.customEndpointAddress())
            .retryOptions(SdkClients.RETRY);
    }

    @Test
    void aTokenCredentialPutsAJwtThatTheEndpointAccepts() throws Exception {
        startEndpoint(ServiceBusTestEndpoint.builder().tls(true), "web-1");
        var processor = clients.processor(endpoint.connectionString(), TOPIC, "web-1",
            ServiceBusReceiveMode.RECEIVE_AND_DELETE);
        ServiceBusSenderClient sender = credentialBuilder().sender().topicName(TOPIC).buildClient();
        clients.track(sender);

        sender.sendMessage(message("over tls", Map.of()));

        assertThat(processor.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
        assertThat(endpoint.nodeRequests()).contains("$cbs put-token jwt amqp://localhost/" + TOPIC);
    }

    @Test
    void anEndpointThatRefusesJwtsFailsTheSendWithUnauthorized() {
        startEndpoint(ServiceBusTestEndpoint.builder().tls(true).jwtRights(), "web-1");
        ServiceBusSenderClient sender = credentialBuilder().sender().topicName(TOPIC).buildClient();
        clients.track(sender);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sender.sendMessage(message("x", Map.of())))
            .isInstanceOfSatisfying(ServiceBusException.class,
                e -> assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.UNAUTHORIZED));
        await().atMost(WAIT).until(() -> !endpoint.authorizationFailures().isEmpty());
    }
}
