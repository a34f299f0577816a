package dev.weft.caching.azure.internal;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusMessageBatch;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends Weft's messages to the topic, always through a {@link ServiceBusMessageBatch}: the batch knows the size
 * the namespace announced and refuses what does not fit, where a single {@code sendMessage} of a message just under
 * the limit is silently dropped by the SDK (7.17.20: it lands in an empty batch that is skipped).
 *
 * <p>Each message carries, as application properties, this transport's random origin id and a number that grows per
 * message ({@link WireProperties}): how the transport recognizes its own messages when they come back. Probes carry
 * {@link WireProperties#PROBE} and an empty body.
 *
 * <p>Thread-safe; never blocks except {@link #verify(Duration)}.
 */
final class TopicSender implements AutoCloseable {

    /** A message the batch refused: larger than the namespace accepts. */
    static final class MessageTooLargeException extends RuntimeException {
        MessageTooLargeException(int bodyBytes, long maxBatchBytes) {
            super("an invalidation message of " + bodyBytes + " bytes does not fit the namespace's limit of "
                    + maxBatchBytes + " bytes");
        }
    }

    private final ServiceBusSenderAsyncClient client;
    private final String origin;
    private final Duration timeToLive;
    private final AtomicLong numbers = new AtomicLong();

    TopicSender(ServiceBusSenderAsyncClient client, String origin, Duration timeToLive) {
        this.client = client;
        this.origin = origin;
        this.timeToLive = timeToLive;
    }

    /** The next message number. */
    long nextNumber() {
        return numbers.incrementAndGet();
    }

    /** A Weft message: {@code body} (empty for a probe) tagged with the origin and {@code number}. */
    ServiceBusMessage message(long number, byte[] body, boolean probe) {
        ServiceBusMessage m = new ServiceBusMessage(body);
        m.setTimeToLive(timeToLive);
        m.setMessageId(origin + "-" + number);
        m.setContentType(probe ? WireProperties.PROBE_CONTENT_TYPE : WireProperties.CONTENT_TYPE);
        m.getApplicationProperties().put(WireProperties.ORIGIN, origin);
        m.getApplicationProperties().put(WireProperties.NUMBER, number);
        if (probe) {
            m.getApplicationProperties().put(WireProperties.PROBE, Boolean.TRUE);
        }
        return m;
    }

    /**
     * Sends one message in a batch of its own (a batch of one goes on the wire as a plain message; Weft's messages
     * are already packed by the group commit). Completes when Service Bus accepted it; fails with
     * {@link MessageTooLargeException} when it does not fit, or with the SDK's error.
     */
    CompletableFuture<Void> send(ServiceBusMessage message) {
        return client.createMessageBatch().flatMap(batch -> batch.tryAddMessage(message)
                ? client.sendMessages(batch)
                : Mono.<Void>error(new MessageTooLargeException(message.getBody().toBytes().length,
                        batch.getMaxSizeInBytes()))).toFuture();
    }

    /**
     * Opens the send link and returns the largest batch the namespace accepts, in bytes: surfaces a missing topic
     * or a missing Send right before anything is published.
     */
    int verify(Duration timeout) {
        ServiceBusMessageBatch batch = client.createMessageBatch().block(timeout);
        if (batch == null) {
            throw new IllegalStateException("the SDK returned no message batch");
        }
        return batch.getMaxSizeInBytes();
    }

    @Override
    public void close() {
        client.close();
    }
}
