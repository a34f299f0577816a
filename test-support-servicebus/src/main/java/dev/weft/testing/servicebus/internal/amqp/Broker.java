package dev.weft.testing.servicebus.internal.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

import dev.weft.testing.servicebus.AccessRight;
import dev.weft.testing.servicebus.NamespaceListener;
import dev.weft.testing.servicebus.PublishedMessage;
import dev.weft.testing.servicebus.ServiceBusNamespaceModel;
import dev.weft.testing.servicebus.SubscriptionProperties;
import dev.weft.testing.servicebus.TopicProperties;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;

/**
 * The endpoint's message state: subscription queues, open connections, publishing links and the fault switches.
 *
 * <p>Everything here runs on the endpoint's single event-loop thread (the Vert.x instance has one event loop, so
 * every connection shares it); that is what makes the fan-out and the competing-consumer dispatch free of locks.
 * Other threads enter through {@link #call(Supplier)}, which runs the work on the event loop and returns a
 * future. Model deletions arrive on the thread that made them and are moved onto the event loop.
 */
public final class Broker implements NamespaceListener {

    private final Vertx vertx;
    private final Context context;
    private final ServiceBusNamespaceModel model;
    private final EndpointStatistics statistics;
    private final Clock clock;
    private final CbsNode cbs;
    private final ManagementNode management;
    private final long maxMessageSize;

    private final Map<SubscriptionKey, SubscriptionQueue> queues = new HashMap<>();
    private final Set<ClientConnection> connections = new HashSet<>();
    private final Map<String, List<ProtonReceiver>> publishers = new HashMap<>();
    private boolean deliveryPaused;
    private boolean refusingLinks;
    private long refuseLinksUntilNanos;
    private ErrorCondition linkRefusal;

    /**
     * @param context the event-loop context every connection of the endpoint runs on
     * @param maxMessageSize the max-message-size announced on publishing links and enforced on their transfers
     * @param jwtRights the rights a JWT put on {@code $cbs} receives; empty refuses JWTs
     */
    private boolean publishesHeld;
    private boolean publishesThrottled;
    private final Map<SubscriptionKey, java.util.function.Predicate<byte[]>> dropFilters = new HashMap<>();
    private final List<Runnable> heldPublishes = new ArrayList<>();

    public Broker(Vertx vertx, Context context, ServiceBusNamespaceModel model, EndpointStatistics statistics,
                  Clock clock, long maxMessageSize, Set<AccessRight> jwtRights) {
        this.vertx = vertx;
        this.context = context;
        this.model = model;
        this.statistics = statistics;
        this.clock = clock;
        this.maxMessageSize = maxMessageSize;
        this.cbs = new CbsNode(model, jwtRights, clock, statistics);
        this.management = new ManagementNode(this, clock);
    }

    /** Runs {@code work} on the event loop; the future completes with its result or exception. Any thread. */
    public <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Takes over a freshly accepted connection. */
    public void accept(ProtonConnection connection) {
        ClientConnection client = new ClientConnection(connection, this);
        connections.add(client);
        statistics.connectionOpened();
        client.start();
    }

    void forget(ClientConnection connection) {
        if (connections.remove(connection)) {
            statistics.connectionClosed();
        }
    }

    // ------------------------------------------------------------------ publishing

    boolean topicExists(String topic) {
        return model.topic(topic).isPresent();
    }

    /**
     * Accepts a message on a topic: records it and copies it into every subscription the topic has now.
     *
     * @throws IllegalArgumentException if the topic does not exist
     */
    public PublishedMessage publish(String topic, Message message) {
        TopicProperties properties = model.topic(topic)
            .orElseThrow(() -> new IllegalArgumentException("Topic '" + topic + "' does not exist"));
        byte[] encoded = AmqpMessages.encode(message);
        PublishedMessage published = AmqpMessages.describe(topic, message, encoded.length, clock.instant());
        Duration ttl = properties.defaultMessageTimeToLive();
        if (published.timeToLive() != null && published.timeToLive().compareTo(ttl) < 0) {
            ttl = published.timeToLive();
        }
        for (SubscriptionProperties subscription : model.subscriptions(topic)) {
            Optional<SubscriptionQueue> queue = queue(SubscriptionKey.of(topic, subscription.name()));
            if (queue.isPresent()) {
                queue.get().enqueue(encoded, ttl);
            }
        }
        statistics.accepted(published);
        return published;
    }

    void publisherAttached(String topic, ProtonReceiver link) {
        publishers.computeIfAbsent(topic.toLowerCase(Locale.ROOT), t -> new ArrayList<>()).add(link);
    }

    void publisherDetached(String topic, ProtonReceiver link) {
        List<ProtonReceiver> links = publishers.get(topic.toLowerCase(Locale.ROOT));
        if (links != null) {
            links.remove(link);
        }
    }

    long maxMessageSize() {
        return maxMessageSize;
    }

    // ------------------------------------------------------------------ subscriptions

    /** The queue of a subscription that exists in the model, created on first use; empty if it does not exist. */
    Optional<SubscriptionQueue> queue(SubscriptionKey key) {
        if (model.subscription(key.topic(), key.subscription()).isEmpty()) {
            SubscriptionQueue stale = queues.remove(key);
            if (stale != null) {
                stale.close(notFound(key.path()));
            }
            return Optional.empty();
        }
        return Optional.of(queues.computeIfAbsent(key, k -> new SubscriptionQueue(k,
            () -> model.subscription(k.topic(), k.subscription()), vertx, clock, statistics,
            () -> deliveryPaused, () -> dropFilters.get(k))));
    }

    /** Messages waiting (not locked) in a subscription; 0 if it does not exist. */
    public int availableCount(SubscriptionKey key) {
        SubscriptionQueue queue = queues.get(key);
        return queue == null ? 0 : queue.availableCount();
    }

    /** Messages locked by PEEK_LOCK receivers in a subscription; 0 if it does not exist. */
    public int lockedCount(SubscriptionKey key) {
        SubscriptionQueue queue = queues.get(key);
        return queue == null ? 0 : queue.lockedCount();
    }

    @Override
    public void subscriptionDeleted(String topic, String subscription) {
        context.runOnContext(ignored -> {
            SubscriptionKey key = SubscriptionKey.of(topic, subscription);
            SubscriptionQueue queue = queues.remove(key);
            if (queue != null) {
                queue.close(notFound(key.path()));
            }
        });
    }

    @Override
    public void topicDeleted(String topic) {
        context.runOnContext(ignored -> {
            String normalized = topic.toLowerCase(Locale.ROOT);
            queues.entrySet().removeIf(entry -> {
                if (entry.getKey().topic().equals(normalized)) {
                    entry.getValue().close(notFound(entry.getKey().path()));
                    return true;
                }
                return false;
            });
            List<ProtonReceiver> links = publishers.remove(normalized);
            if (links != null) {
                for (ProtonReceiver link : links) {
                    link.setCondition(notFound(topic));
                    link.close();
                }
            }
        });
    }

    static ErrorCondition notFound(String entityPath) {
        return AmqpMessages.error(AmqpMessages.NOT_FOUND, "The messaging entity 'sb://localhost/" + entityPath
            + "' could not be found. To know more visit https://aka.ms/sbResourceMgrExceptions.");
    }

    // ------------------------------------------------------------------ request/response nodes

    CbsNode cbs() {
        return cbs;
    }

    ManagementNode management() {
        return management;
    }

    Clock clock() {
        return clock;
    }

    EndpointStatistics statistics() {
        return statistics;
    }

    // ------------------------------------------------------------------ faults

    /** Closes every client connection's socket without an AMQP close, as a network failure would. */
    public int dropAllConnections() {
        List<ClientConnection> all = new ArrayList<>(connections);
        all.forEach(ClientConnection::disconnect);
        return all.size();
    }

    /**
     * Refuses attaches of entity and management links (not {@code $cbs}) for {@code duration} of real time
     * (not the endpoint's clock, which a test may have frozen), or until switched off with a zero duration.
     */
    public void refuseLinks(Duration duration, Symbol condition, String description) {
        this.refusingLinks = !duration.isZero() && !duration.isNegative();
        this.refuseLinksUntilNanos = System.nanoTime() + Math.min(duration.toNanos(), Long.MAX_VALUE / 4);
        this.linkRefusal = AmqpMessages.error(condition, description);
    }

    /** The error to refuse a new entity link with, if refusing is switched on now. */
    Optional<ErrorCondition> linkRefusal() {
        if (refusingLinks && System.nanoTime() - refuseLinksUntilNanos < 0) {
            return Optional.of(linkRefusal);
        }
        refusingLinks = false;
        return Optional.empty();
    }

    /** While held, transfers from senders are neither published nor settled: their sends stay in flight. */
    public void holdPublishes() {
        publishesHeld = true;
    }

    /** Publishes and settles the held transfers, in arrival order, and stops holding. */
    public void releasePublishes() {
        publishesHeld = false;
        List<Runnable> pending = new ArrayList<>(heldPublishes);
        heldPublishes.clear();
        pending.forEach(Runnable::run);
    }

    /** Whether transfers are held; then {@code publish} runs later, at release. Call on the broker's context. */
    public boolean holdIfHeld(Runnable publish) {
        if (!publishesHeld) {
            return false;
        }
        heldPublishes.add(publish);
        return true;
    }

    /** Takes away, before delivery, the messages of a subscription whose Data body {@code drop} accepts. */
    public void dropDeliveries(SubscriptionKey key, java.util.function.Predicate<byte[]> drop) {
        if (drop == null) {
            dropFilters.remove(key);
        } else {
            dropFilters.put(key, drop);
        }
    }

    /** While throttled, transfers from senders are refused with {@code com.microsoft:server-busy}. */
    public void throttlePublishes(boolean throttle) {
        publishesThrottled = throttle;
    }

    boolean publishesThrottled() {
        return publishesThrottled;
    }

    public void pauseDelivery() {
        deliveryPaused = true;
    }

    public void resumeDelivery() {
        deliveryPaused = false;
        List.copyOf(queues.values()).forEach(SubscriptionQueue::dispatch);
    }
}
