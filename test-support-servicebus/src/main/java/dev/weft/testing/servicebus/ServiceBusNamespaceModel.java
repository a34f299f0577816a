package dev.weft.testing.servicebus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The entities and access policies of one fake Service Bus namespace: what both the AMQP
 * {@link ServiceBusTestEndpoint} and the {@link FakeServiceBusHttpClient} serve, so that a subscription created
 * through the administration API is the one a processor then receives from.
 *
 * <p>Entity names are case-insensitive, as in the service; the spelling given at creation is kept. The model
 * holds descriptions only; messages live in the endpoint.
 *
 * <p>Thread-safe: every method may be called from any thread. Listeners are called after the change, outside
 * the lock, on the calling thread.
 */
public final class ServiceBusNamespaceModel {

    private final Object lock = new Object();
    private final Map<String, SharedAccessKey> keys = new LinkedHashMap<>();
    private final Map<String, TopicEntry> topics = new LinkedHashMap<>();
    private final List<NamespaceListener> listeners = new CopyOnWriteArrayList<>();

    /** One topic with its subscriptions, guarded by {@link #lock}. */
    private record TopicEntry(TopicProperties properties, Map<String, SubscriptionProperties> subscriptions) {
    }

    /** An empty namespace: no policies, no entities. */
    public static ServiceBusNamespaceModel create() {
        return new ServiceBusNamespaceModel();
    }

    private ServiceBusNamespaceModel() {
    }

    // ---------------------------------------------------------------- access policies

    /** Adds or replaces the policy with this key's name. */
    public ServiceBusNamespaceModel addKey(SharedAccessKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (lock) {
            keys.put(key.name(), key);
        }
        return this;
    }

    /** Removes a policy; tokens signed with it are refused from then on. */
    public boolean removeKey(String name) {
        synchronized (lock) {
            return keys.remove(name) != null;
        }
    }

    /** The policy with this name (case-sensitive, as SAS key names are). */
    public Optional<SharedAccessKey> key(String name) {
        synchronized (lock) {
            return Optional.ofNullable(keys.get(name));
        }
    }

    /** All policies, in the order they were added. */
    public List<SharedAccessKey> keys() {
        synchronized (lock) {
            return List.copyOf(keys.values());
        }
    }

    // ---------------------------------------------------------------- topics

    /** Creates a topic with default properties; {@code false} if one with this name exists. */
    public boolean createTopic(String name) {
        return createTopic(TopicProperties.named(name));
    }

    /** Creates a topic; {@code false} (and nothing changes) if one with this name exists. */
    public boolean createTopic(TopicProperties properties) {
        Objects.requireNonNull(properties, "properties");
        synchronized (lock) {
            return topics.putIfAbsent(normalize(properties.name()),
                new TopicEntry(properties, new LinkedHashMap<>())) == null;
        }
    }

    /** The topic with this name, if it exists. */
    public Optional<TopicProperties> topic(String name) {
        synchronized (lock) {
            TopicEntry entry = topics.get(normalize(name));
            return entry == null ? Optional.empty() : Optional.of(entry.properties());
        }
    }

    /** All topics, in creation order. */
    public List<TopicProperties> topics() {
        synchronized (lock) {
            return topics.values().stream().map(TopicEntry::properties).toList();
        }
    }

    /** Deletes a topic and its subscriptions; {@code false} if there was none. */
    public boolean deleteTopic(String name) {
        TopicEntry removed;
        synchronized (lock) {
            removed = topics.remove(normalize(name));
        }
        if (removed == null) {
            return false;
        }
        for (NamespaceListener listener : listeners) {
            listener.topicDeleted(removed.properties().name());
        }
        return true;
    }

    // ---------------------------------------------------------------- subscriptions

    /**
     * Creates a subscription with the service's default properties.
     *
     * @see #createSubscription(String, SubscriptionProperties)
     */
    public boolean createSubscription(String topic, String name) {
        return createSubscription(topic, SubscriptionProperties.named(name));
    }

    /**
     * Creates a subscription.
     *
     * @return {@code false} (and nothing changes) if the topic already has a subscription with this name
     * @throws NoSuchElementException if the topic does not exist
     */
    public boolean createSubscription(String topic, SubscriptionProperties properties) {
        Objects.requireNonNull(properties, "properties");
        synchronized (lock) {
            return existingTopic(topic).subscriptions()
                .putIfAbsent(normalize(properties.name()), properties) == null;
        }
    }

    /**
     * Replaces an existing subscription's description (its messages stay).
     *
     * @return {@code false} if there is no such subscription
     * @throws NoSuchElementException if the topic does not exist
     */
    public boolean updateSubscription(String topic, SubscriptionProperties properties) {
        Objects.requireNonNull(properties, "properties");
        synchronized (lock) {
            return existingTopic(topic).subscriptions()
                .replace(normalize(properties.name()), properties) != null;
        }
    }

    /** The subscription with this name on this topic, if both exist. */
    public Optional<SubscriptionProperties> subscription(String topic, String name) {
        synchronized (lock) {
            TopicEntry entry = topics.get(normalize(topic));
            return entry == null ? Optional.empty()
                : Optional.ofNullable(entry.subscriptions().get(normalize(name)));
        }
    }

    /** The topic's subscriptions in creation order; empty if the topic does not exist. */
    public List<SubscriptionProperties> subscriptions(String topic) {
        synchronized (lock) {
            TopicEntry entry = topics.get(normalize(topic));
            return entry == null ? List.of() : new ArrayList<>(entry.subscriptions().values());
        }
    }

    /** Deletes a subscription; {@code false} if there was none. */
    public boolean deleteSubscription(String topic, String name) {
        SubscriptionProperties removed;
        String topicName;
        synchronized (lock) {
            TopicEntry entry = topics.get(normalize(topic));
            if (entry == null) {
                return false;
            }
            topicName = entry.properties().name();
            removed = entry.subscriptions().remove(normalize(name));
        }
        if (removed == null) {
            return false;
        }
        for (NamespaceListener listener : listeners) {
            listener.subscriptionDeleted(topicName, removed.name());
        }
        return true;
    }

    // ---------------------------------------------------------------- listeners

    /** Registers a listener for deletions; see {@link NamespaceListener} for the calling contract. */
    public void addListener(NamespaceListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Unregisters a listener; no effect if it was not registered. */
    public void removeListener(NamespaceListener listener) {
        listeners.remove(listener);
    }

    private TopicEntry existingTopic(String topic) {
        TopicEntry entry = topics.get(normalize(topic));
        if (entry == null) {
            throw new NoSuchElementException("Topic '" + topic + "' does not exist");
        }
        return entry;
    }

    private static String normalize(String name) {
        return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
    }
}
