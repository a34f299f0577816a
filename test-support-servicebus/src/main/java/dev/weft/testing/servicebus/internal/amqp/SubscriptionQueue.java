package dev.weft.testing.servicebus.internal.amqp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.SubscriptionProperties;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;

/**
 * The messages of one subscription and the receiver links that compete for them.
 *
 * <p>Messages are kept by sequence number, so a message whose lock expires or that is abandoned goes back to
 * where it was. Each message goes to one receiver link: the next one, round-robin, that has credit (the service
 * spreads a subscription's messages over its receivers the same way, which is how two instances that share a
 * subscription by mistake lose each other's messages). RECEIVE_AND_DELETE links get presettled deliveries;
 * PEEK_LOCK links get a lock token as delivery tag and the message stays locked until the client settles it,
 * the lock expires (LockDuration) or it is renewed.
 *
 * <p>Confined to the endpoint's event loop: no method is thread-safe.
 */
final class SubscriptionQueue {

    private final SubscriptionKey key;
    private final Supplier<Optional<SubscriptionProperties>> properties;
    private final Vertx vertx;
    private final Clock clock;
    private final EndpointStatistics statistics;
    private final Supplier<Boolean> deliveryPaused;
    private final Supplier<java.util.function.Predicate<byte[]>> dropFilter;

    private final TreeMap<Long, QueuedMessage> available = new TreeMap<>();
    private final Map<UUID, QueuedMessage> locked = new HashMap<>();
    private final List<ProtonSender> consumers = new ArrayList<>();
    private int nextConsumer;
    private long nextSequenceNumber = 1;

    SubscriptionQueue(SubscriptionKey key, Supplier<Optional<SubscriptionProperties>> properties, Vertx vertx,
                      Clock clock, EndpointStatistics statistics, Supplier<Boolean> deliveryPaused,
                      Supplier<java.util.function.Predicate<byte[]>> dropFilter) {
        this.key = key;
        this.dropFilter = dropFilter;
        this.properties = properties;
        this.vertx = vertx;
        this.clock = clock;
        this.statistics = statistics;
        this.deliveryPaused = deliveryPaused;
    }

    /** Adds a message with the given time-to-live (already the shortest of message, topic and subscription). */
    void enqueue(byte[] encoded, Duration timeToLive) {
        Instant now = clock.instant();
        Duration ttl = properties.get().map(SubscriptionProperties::defaultMessageTimeToLive)
            .filter(d -> d.compareTo(timeToLive) < 0).orElse(timeToLive);
        long sequenceNumber = nextSequenceNumber++;
        available.put(sequenceNumber, new QueuedMessage(encoded, sequenceNumber, now, saturatedPlus(now, ttl)));
        dispatch();
    }

    void addConsumer(ProtonSender sender) {
        consumers.add(sender);
        statistics.receiverAttached(key);
        sender.sendQueueDrainHandler(s -> dispatch());
        dispatch();
    }

    /**
     * Forgets a receiver link. Its locks stay until they expire or are settled through $management, as in the
     * service.
     */
    void removeConsumer(ProtonSender sender) {
        if (consumers.remove(sender)) {
            statistics.receiverDetached(key);
        }
    }

    /** Detaches every receiver link with {@code condition} and drops all messages: the subscription is gone. */
    void close(ErrorCondition condition) {
        for (ProtonSender sender : List.copyOf(consumers)) {
            removeConsumer(sender);
            sender.setCondition(condition);
            sender.close();
        }
        locked.values().forEach(m -> vertx.cancelTimer(m.lockTimerId));
        locked.clear();
        available.clear();
    }

    /** Hands available messages to receiver links that have credit, round-robin, dropping expired ones. */
    void dispatch() {
        if (deliveryPaused.get()) {
            return;
        }
        while (!available.isEmpty()) {
            ProtonSender consumer = nextConsumerWithCredit();
            if (consumer == null) {
                return;
            }
            QueuedMessage message = available.pollFirstEntry().getValue();
            if (message.expiredAt(clock.instant())) {
                statistics.expired(key);
                continue;
            }
            java.util.function.Predicate<byte[]> drop = dropFilter.get();
            if (drop != null && drop.test(dataBody(message))) {
                statistics.dropped(key);
                continue;
            }
            deliver(consumer, message);
        }
    }

    /** The message's Data body, or {@code null} when its body is of another kind. */
    private static byte[] dataBody(QueuedMessage queued) {
        Message message = AmqpMessages.decode(queued.encoded);
        if (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.Data) {
            return ((org.apache.qpid.proton.amqp.messaging.Data) message.getBody()).getValue().getArray();
        }
        return null;
    }

    private ProtonSender nextConsumerWithCredit() {
        int size = consumers.size();
        for (int i = 0; i < size; i++) {
            int index = (nextConsumer + i) % size;
            ProtonSender candidate = consumers.get(index);
            if (candidate.isOpen() && !candidate.sendQueueFull()) {
                nextConsumer = (index + 1) % size;
                return candidate;
            }
        }
        return null;
    }

    private void deliver(ProtonSender consumer, QueuedMessage queued) {
        queued.deliveryCount++;
        if (consumer.getQoS() == ProtonQoS.AT_MOST_ONCE) {
            consumer.send(LockTokens.toDeliveryTag(UUID.randomUUID()), withBrokerProperties(queued));
        } else {
            UUID token = lock(queued);
            consumer.send(LockTokens.toDeliveryTag(token), withBrokerProperties(queued),
                delivery -> settled(delivery, token));
        }
        statistics.delivered(key);
    }

    /**
     * The message as the service hands it out: with a Header (the SDK dereferences the Header of every received
     * message) and the annotations it reads the sequence number, enqueued time and lock expiry from.
     */
    private static Message withBrokerProperties(QueuedMessage queued) {
        Message message = AmqpMessages.decode(queued.encoded);
        Header header = message.getHeader() != null ? message.getHeader() : new Header();
        if (header.getDurable() == null) {
            header.setDurable(true);
        }
        header.setDeliveryCount(UnsignedInteger.valueOf(Math.max(0, queued.deliveryCount - 1L)));
        message.setHeader(header);
        Map<Symbol, Object> annotations = new HashMap<>();
        if (message.getMessageAnnotations() != null && message.getMessageAnnotations().getValue() != null) {
            annotations.putAll(message.getMessageAnnotations().getValue());
        }
        annotations.put(AmqpMessages.SEQUENCE_NUMBER, queued.sequenceNumber);
        annotations.put(AmqpMessages.ENQUEUED_TIME, Date.from(queued.enqueuedTime));
        if (queued.lockedUntil != null) {
            annotations.put(AmqpMessages.LOCKED_UNTIL, Date.from(queued.lockedUntil));
        }
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        return message;
    }

    /** A PEEK_LOCK client answered a delivery: complete, abandon or dead-letter it, then settle. */
    private void settled(ProtonDelivery delivery, UUID token) {
        DeliveryState state = delivery.getRemoteState();
        if (state == null && !delivery.remotelySettled()) {
            return;
        }
        if (!locked.containsKey(token)) {
            delivery.disposition(rejected(AmqpMessages.MESSAGE_LOCK_LOST, "The lock supplied is invalid. Either "
                + "the lock expired, or the message has already been removed from the queue."), true);
            return;
        }
        if (state instanceof Accepted) {
            complete(token);
        } else if (state instanceof Rejected) {
            deadLetter(token);
        } else {
            abandon(token);
        }
        delivery.disposition(state != null ? state : Released.getInstance(), true);
    }

    private UUID lock(QueuedMessage message) {
        UUID token = UUID.randomUUID();
        message.lockToken = token;
        locked.put(token, message);
        scheduleLockExpiry(message);
        return token;
    }

    private void scheduleLockExpiry(QueuedMessage message) {
        Duration lockDuration = properties.get().map(SubscriptionProperties::lockDuration)
            .orElse(Duration.ofSeconds(60));
        message.lockedUntil = clock.instant().plus(lockDuration);
        UUID token = message.lockToken;
        message.lockTimerId = vertx.setTimer(Math.max(1, lockDuration.toMillis()), id -> {
            QueuedMessage expired = locked.remove(token);
            if (expired != null) {
                redeliverOrDeadLetter(expired);
            }
        });
    }

    boolean complete(UUID token) {
        QueuedMessage message = unlock(token);
        return message != null;
    }

    boolean abandon(UUID token) {
        QueuedMessage message = unlock(token);
        if (message == null) {
            return false;
        }
        redeliverOrDeadLetter(message);
        return true;
    }

    boolean deadLetter(UUID token) {
        QueuedMessage message = unlock(token);
        if (message == null) {
            return false;
        }
        statistics.deadLettered(key);
        return true;
    }

    /** Extends a lock by the subscription's LockDuration; empty if the lock is unknown or lost. */
    Optional<Instant> renew(UUID token) {
        QueuedMessage message = locked.get(token);
        if (message == null) {
            return Optional.empty();
        }
        vertx.cancelTimer(message.lockTimerId);
        scheduleLockExpiry(message);
        return Optional.of(message.lockedUntil);
    }

    /**
     * Encoded messages with a sequence number from {@code fromSequenceNumber} on, locked or not, without locking
     * them; the last element's sequence number is where a following peek starts.
     */
    List<PeekedMessage> peek(long fromSequenceNumber, int count) {
        TreeMap<Long, QueuedMessage> all = new TreeMap<>(available);
        locked.values().forEach(m -> all.put(m.sequenceNumber, m));
        Instant now = clock.instant();
        List<PeekedMessage> result = new ArrayList<>();
        for (QueuedMessage message : all.tailMap(fromSequenceNumber, true).values()) {
            if (result.size() >= count) {
                break;
            }
            if (!message.expiredAt(now)) {
                result.add(new PeekedMessage(message.sequenceNumber,
                    AmqpMessages.encode(withBrokerProperties(message))));
            }
        }
        return result;
    }

    int availableCount() {
        return available.size();
    }

    int lockedCount() {
        return locked.size();
    }

    private QueuedMessage unlock(UUID token) {
        QueuedMessage message = locked.remove(token);
        if (message != null) {
            vertx.cancelTimer(message.lockTimerId);
            message.lockToken = null;
            message.lockedUntil = null;
        }
        return message;
    }

    private void redeliverOrDeadLetter(QueuedMessage message) {
        int maxDeliveryCount = properties.get().map(SubscriptionProperties::maxDeliveryCount).orElse(10);
        message.lockToken = null;
        message.lockedUntil = null;
        if (message.deliveryCount >= maxDeliveryCount) {
            statistics.deadLettered(key);
        } else {
            available.put(message.sequenceNumber, message);
            dispatch();
        }
    }

    private static Rejected rejected(Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(AmqpMessages.error(condition, description));
        return rejected;
    }

    private static Instant saturatedPlus(Instant start, Duration duration) {
        try {
            return start.plus(duration);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return Instant.MAX;
        }
    }

    /** A snapshot for a peek reply. */
    record PeekedMessage(long sequenceNumber, byte[] encoded) {
    }
}
