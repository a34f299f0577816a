package dev.weft.testing.servicebus.internal.amqp;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.weft.testing.servicebus.PublishedMessage;

/**
 * What the endpoint has seen, for tests to assert on and wait for. Written by the event loop, read by test
 * threads: every member is thread-safe, and {@link #awaitCondition} lets a test thread block until a change
 * (a link attached, a message accepted) without polling in a sleep loop.
 */
public final class EndpointStatistics {

    private final Object monitor = new Object();
    private final Map<SubscriptionKey, Integer> receiverLinks = new HashMap<>();
    private final Map<String, AtomicLong> acceptedPerTopic = new ConcurrentHashMap<>();
    private final Map<String, List<PublishedMessage>> publishedPerTopic = new ConcurrentHashMap<>();
    private final Map<SubscriptionKey, AtomicLong> deliveredPerSubscription = new ConcurrentHashMap<>();
    private final Map<SubscriptionKey, AtomicLong> expiredPerSubscription = new ConcurrentHashMap<>();
    private final Map<SubscriptionKey, AtomicLong> droppedPerSubscription = new ConcurrentHashMap<>();
    private final AtomicLong throttledTransfers = new AtomicLong();
    private final Map<SubscriptionKey, AtomicLong> deadLetteredPerSubscription = new ConcurrentHashMap<>();
    private final List<String> authorizationFailures = new CopyOnWriteArrayList<>();
    private final List<String> nodeRequests = new CopyOnWriteArrayList<>();
    private final AtomicLong oversizedTransfers = new AtomicLong();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private final AtomicLong openConnections = new AtomicLong();

    void receiverAttached(SubscriptionKey key) {
        synchronized (monitor) {
            receiverLinks.merge(key, 1, Integer::sum);
            monitor.notifyAll();
        }
    }

    void receiverDetached(SubscriptionKey key) {
        synchronized (monitor) {
            receiverLinks.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            monitor.notifyAll();
        }
    }

    public int receiverLinks(String topic, String subscription) {
        synchronized (monitor) {
            return receiverLinks.getOrDefault(SubscriptionKey.of(topic, subscription), 0);
        }
    }

    void accepted(PublishedMessage message) {
        String topic = message.topic().toLowerCase(Locale.ROOT);
        publishedPerTopic.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(message);
        acceptedPerTopic.computeIfAbsent(topic, t -> new AtomicLong()).incrementAndGet();
        signal();
    }

    public long acceptedCount(String topic) {
        AtomicLong count = acceptedPerTopic.get(topic.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    public List<PublishedMessage> published(String topic) {
        List<PublishedMessage> list = publishedPerTopic.get(topic.toLowerCase(Locale.ROOT));
        return list == null ? List.of() : List.copyOf(list);
    }

    void delivered(SubscriptionKey key) {
        deliveredPerSubscription.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        signal();
    }

    public long deliveredCount(String topic, String subscription) {
        return count(deliveredPerSubscription, SubscriptionKey.of(topic, subscription));
    }

    void dropped(SubscriptionKey key) {
        droppedPerSubscription.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    /** Deliveries a test's drop filter took away from a subscription. */
    public long droppedCount(String topic, String subscription) {
        return count(droppedPerSubscription, SubscriptionKey.of(topic, subscription));
    }

    void throttledTransfer() {
        throttledTransfers.incrementAndGet();
    }

    /** Transfers refused with ServerBusy while publishes were throttled. */
    public long throttledTransfers() {
        return throttledTransfers.get();
    }

    void expired(SubscriptionKey key) {
        expiredPerSubscription.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        signal();
    }

    public long expiredCount(String topic, String subscription) {
        return count(expiredPerSubscription, SubscriptionKey.of(topic, subscription));
    }

    void deadLettered(SubscriptionKey key) {
        deadLetteredPerSubscription.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        signal();
    }

    public long deadLetteredCount(String topic, String subscription) {
        return count(deadLetteredPerSubscription, SubscriptionKey.of(topic, subscription));
    }

    void authorizationFailed(String description) {
        authorizationFailures.add(description);
        signal();
    }

    public List<String> authorizationFailures() {
        return List.copyOf(authorizationFailures);
    }

    void nodeRequest(String description) {
        nodeRequests.add(description);
        signal();
    }

    /** {@code "$cbs put-token <audience>"} and {@code "<entity>/$management <operation>"}, oldest first. */
    public List<String> nodeRequests() {
        return List.copyOf(nodeRequests);
    }

    void oversizedTransfer() {
        oversizedTransfers.incrementAndGet();
        signal();
    }

    public long oversizedTransfers() {
        return oversizedTransfers.get();
    }

    void connectionOpened() {
        connectionsAccepted.incrementAndGet();
        openConnections.incrementAndGet();
        signal();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
        signal();
    }

    public long connectionsAccepted() {
        return connectionsAccepted.get();
    }

    public long openConnections() {
        return openConnections.get();
    }

    /**
     * Blocks the calling (test) thread until {@code condition} holds or the timeout passes. The condition is
     * re-evaluated whenever the endpoint records something, so it must read only this object's state.
     *
     * @return whether the condition held
     */
    public boolean awaitCondition(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }

    private void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private static long count(Map<SubscriptionKey, AtomicLong> counts, SubscriptionKey key) {
        AtomicLong count = counts.get(key);
        return count == null ? 0 : count.get();
    }
}
