package dev.weft.testing.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;

import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonSender;

class MessageSizeTest extends EndpointTestSupport {

    private static final int LIMIT = 64 * 1024;

    @Test
    void theSdkSizesBatchesByTheAnnouncedMaxMessageSize() {
        startEndpoint(ServiceBusTestEndpoint.builder().maxMessageSize(LIMIT), "web-1");
        var sender = clients.sender(endpoint.connectionString(), TOPIC);

        ServiceBusMessageBatch batch = sender.createMessageBatch();

        assertThat(batch.getMaxSizeInBytes()).isEqualTo(LIMIT);
    }

    @Test
    void theSdkRefusesAMessageOverTheAnnouncedSizeWithoutSendingIt() {
        startEndpoint(ServiceBusTestEndpoint.builder().maxMessageSize(LIMIT), "web-1");
        var sender = clients.sender(endpoint.connectionString(), TOPIC);

        assertThatThrownBy(() -> sender.sendMessage(new ServiceBusMessage(BinaryData.fromBytes(new byte[LIMIT + 1]))))
            .isInstanceOfSatisfying(ServiceBusException.class,
                e -> assertThat(e.getReason()).isEqualTo(ServiceBusFailureReason.MESSAGE_SIZE_EXCEEDED));
        assertThat(endpoint.acceptedCount(TOPIC)).isZero();
        assertThat(endpoint.oversizedTransfers()).isZero();
    }

    @Test
    void aMessageAKilobyteAndMoreUnderTheLimitIsAccepted() {
        startEndpoint(ServiceBusTestEndpoint.builder().maxMessageSize(LIMIT), "web-1");

        clients.sender(endpoint.connectionString(), TOPIC)
            .sendMessage(new ServiceBusMessage(BinaryData.fromBytes(new byte[LIMIT - 2048])));

        assertThat(endpoint.acceptedCount(TOPIC)).isEqualTo(1);
        assertThat(endpoint.publishedMessages(TOPIC).get(0).encodedSize()).isLessThan(LIMIT);
    }

    /**
     * Characterizes an SDK 7.17.20 defect that senders must design around: {@code sendMessage} estimates a
     * message's size with about 1 KB of overhead; a message that fits the link but not that estimate lands in
     * an empty batch, which the SDK skips with an INFO log, and {@code sendMessage} returns normally.
     */
    @Test
    void theSdkSilentlyDropsASingleMessageWithinAboutAKilobyteUnderTheLimit() {
        startEndpoint(ServiceBusTestEndpoint.builder().maxMessageSize(LIMIT), "web-1");
        var sender = clients.sender(endpoint.connectionString(), TOPIC);
        ServiceBusMessage nearTheLimit = new ServiceBusMessage(BinaryData.fromBytes(new byte[LIMIT - 500]));

        sender.sendMessage(nearTheLimit);

        assertThat(endpoint.acceptedCount(TOPIC)).isZero();
        assertThat(sender.createMessageBatch().tryAddMessage(nearTheLimit)).isFalse();
    }

    @Test
    void anOversizedTransferDetachesThePublishingLinkWithMessageSizeExceeded() throws Exception {
        startEndpoint(ServiceBusTestEndpoint.builder().maxMessageSize(LIMIT), "web-1");
        endpoint.model().addKey(SharedAccessKey.generate("any", AccessRight.SEND));
        Vertx vertx = Vertx.vertx();
        clients.track(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        CompletableFuture<ErrorCondition> detached = new CompletableFuture<>();

        // A raw client that ignores max-message-size, as a misbehaving publisher would. It puts no token, so
        // the endpoint would refuse the link: give it a namespace-wide JWT first.
        ProtonClient.create(vertx).connect("127.0.0.1", endpoint.port(), connected -> {
            ProtonConnection connection = connected.result().open();
            RawCbs.putJwt(connection, "amqp://localhost/" + TOPIC, () -> {
                ProtonSender sender = connection.createSender(TOPIC);
                sender.detachHandler(closed -> detached.complete(sender.getRemoteCondition()));
                sender.openHandler(opened -> {
                    Message message = Message.Factory.create();
                    message.setBody(new Data(new Binary(new byte[LIMIT + 1024])));
                    sender.send(message);
                }).open();
            });
        });

        ErrorCondition condition = detached.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(condition.getCondition().toString()).isEqualTo("amqp:link:message-size-exceeded");
        await().atMost(WAIT).until(() -> endpoint.oversizedTransfers() == 1);
        assertThat(endpoint.acceptedCount(TOPIC)).isZero();
    }
}
