package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.weft.testing.servicebus.internal.SasToken;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;

/** The {@code $cbs} node as a raw AMQP client sees it: the status codes it answers put-token with. */
class ClaimsBasedSecurityTest extends EndpointTestSupport {

    private int putToken(String type, String token, String audience) throws Exception {
        Vertx vertx = Vertx.vertx();
        clients.track(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> status = new CompletableFuture<>();
        ProtonClient.create(vertx).connect("127.0.0.1", endpoint.port(), connected ->
            RawCbs.putToken(connected.result().open(), type, token, audience, status::complete));
        return status.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aJwtIsAcceptedByDefault() throws Exception {
        startEndpoint("web-1");

        assertThat(putToken("jwt", "header.payload.signature", "amqp://localhost/" + TOPIC)).isEqualTo(202);
    }

    @Test
    void aJwtIsRefusedWhenTheEndpointGivesJwtsNoRights() throws Exception {
        startEndpoint(ServiceBusTestEndpoint.builder().jwtRights(), "web-1");

        assertThat(putToken("jwt", "header.payload.signature", "amqp://localhost/" + TOPIC)).isEqualTo(401);
    }

    @Test
    void aValidSignatureForANamespaceCoversEveryEntityInIt() throws Exception {
        startEndpoint("web-1");
        SharedAccessKey key = endpoint.model().keys().get(0);
        String token = SasToken.create("amqp://localhost/", key.name(), key.key(), Instant.now().plusSeconds(60));

        assertThat(putToken("servicebus.windows.net:sastoken", token, "amqp://localhost/" + TOPIC)).isEqualTo(202);
    }

    @Test
    void aSignatureForOneEntityDoesNotCoverAnother() throws Exception {
        startEndpoint("web-1");
        SharedAccessKey key = endpoint.model().keys().get(0);
        String token = SasToken.create("amqp://localhost/other", key.name(), key.key(), Instant.now().plusSeconds(60));

        assertThat(putToken("servicebus.windows.net:sastoken", token, "amqp://localhost/" + TOPIC)).isEqualTo(401);
    }

    @Test
    void anExpiredSignatureIsRefused() throws Exception {
        startEndpoint("web-1");
        SharedAccessKey key = endpoint.model().keys().get(0);
        String token = SasToken.create("amqp://localhost/" + TOPIC, key.name(), key.key(),
            Instant.now().minusSeconds(1));

        assertThat(putToken("servicebus.windows.net:sastoken", token, "amqp://localhost/" + TOPIC)).isEqualTo(401);
        assertThat(endpoint.authorizationFailures()).anySatisfy(f -> assertThat(f).contains("ExpiredToken"));
    }
}
