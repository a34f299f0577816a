package dev.weft.testing.servicebus.internal.amqp;

import java.util.Locale;
import java.util.Optional;

/**
 * Identifies a subscription case-insensitively, as the service does. {@link #topic()} and {@link #subscription()}
 * are lower-case; keep the caller's spelling elsewhere when it matters for messages.
 */
public record SubscriptionKey(String topic, String subscription) {

    private static final String SEPARATOR = "/subscriptions/";

    public static SubscriptionKey of(String topic, String subscription) {
        return new SubscriptionKey(topic.toLowerCase(Locale.ROOT), subscription.toLowerCase(Locale.ROOT));
    }

    /** Parses a receiver link source, {@code <topic>/subscriptions/<name>}; empty if it has another shape. */
    public static Optional<SubscriptionKey> parseAddress(String address) {
        if (address == null) {
            return Optional.empty();
        }
        int at = address.toLowerCase(Locale.ROOT).indexOf(SEPARATOR);
        if (at <= 0) {
            return Optional.empty();
        }
        String topic = address.substring(0, at);
        String subscription = address.substring(at + SEPARATOR.length());
        if (subscription.isEmpty() || subscription.contains("/")) {
            return Optional.empty();
        }
        return Optional.of(of(topic, subscription));
    }

    /** The entity path, {@code <topic>/subscriptions/<name>}. */
    public String path() {
        return topic + SEPARATOR + subscription;
    }

    @Override
    public String toString() {
        return path();
    }
}
